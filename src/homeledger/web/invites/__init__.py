"""Accepting an invite: the person an admin invited chooses a password (public pages)."""
