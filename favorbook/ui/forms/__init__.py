"""Dialogs that create and edit records: each reads its fields and calls one service."""
