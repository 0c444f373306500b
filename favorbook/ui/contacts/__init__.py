"""The Contacts page: the list, its model, a contact's profile and glance, merge, undoable
contact commands."""
