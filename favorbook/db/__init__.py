"""Persistence: Peewee over SQLite, with numbered migrations. No Qt here."""
