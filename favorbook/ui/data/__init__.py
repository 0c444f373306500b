"""Files in and out: import, export, sheets, backups."""
