"""Sharing pages: who can use the acting ledger, the ledgers shared with you, the switcher."""
