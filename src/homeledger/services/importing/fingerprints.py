"""A bank-file row's identity when the bank gives it no id: a fingerprint of its date,
amount, normalised description and account label, and its occurrence number among
identical rows of the same file (see services/imports.py)."""

from __future__ import annotations

import hashlib

from homeledger.services.text import collapse


def lowered(seen: dict[str | None, str], text: str | None) -> str:
    """``collapse(text.lower())``, remembered: a statement repeats its payees."""
    found = seen.get(text)
    if found is None:
        found = seen[text] = collapse((text or "").lower())
    return found


def fingerprint_of(key: tuple, occurrence: int) -> str:
    """The fingerprint of a row whose (date, amount, description, label) look is ``key``."""
    when, amount, description, label = key
    text = f"{when.isoformat()}|{amount}|{description}|{label}|{occurrence}"
    return hashlib.sha256(text.encode()).hexdigest()
