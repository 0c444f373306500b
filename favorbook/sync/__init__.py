"""Two-way sync with the rep's CardDAV / CalDAV server (issue 9).

No Qt here; ``requests``, ``keyring`` and ``caldav`` are imported inside functions so
that importing favorbook stays fast. Entry points: ``accounts`` (set-up), ``engine``
(``sync_account``) and ``conflicts`` (review).
"""
