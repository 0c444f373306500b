"""The domain of favorbook as plain functions over the database. No Qt here.

Every thing a user can do is a call into one of these modules first; the
window and the command line are thin layers over them.
"""
