"""The whole-database sync between the rep's own devices, end-to-end encrypted.

``capture`` (triggers of migration 0011 and the clocks), ``crypto`` (passphrase, vault
key, sealed objects), the storages behind ``transport.Transport``: ``folder`` (a plain
folder another program keeps in step) and ``davstore`` (a collection of its own on the
rep's CalDAV account), ``move`` (copying the vault to a new place), ``merge`` (applying
other devices' changes field by field), ``engine`` (one sync), ``regid`` (a row's global
id following the uid the contact or tasks sync gives it). No Qt here.
"""
