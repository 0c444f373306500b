"""Accounts, syncing with the server and between devices, conflicts."""
