"""Referrals, vetting and who can meet a contact's needs."""
