"""The whole-database sync between the rep's own devices, end-to-end encrypted.

``capture`` (triggers of migration 0011 and the clocks), ``crypto`` (passphrase, vault
key, sealed objects), ``folder`` (the storage: a plain folder another program keeps in
step), ``merge`` (applying other devices' changes field by field), ``engine`` (one sync).
No Qt here.
"""
