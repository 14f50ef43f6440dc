"""Whitespace in names and descriptions: one way to tidy it everywhere."""

from __future__ import annotations


def collapse(text: str) -> str:
    """Trim and squeeze every run of whitespace (including no-break spaces) to one space."""
    return " ".join(text.split())
