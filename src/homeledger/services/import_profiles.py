"""Saved CSV column mappings ("profiles"), one per bank export format."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import ImportProfile
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.importing import (
    DATE_FORMAT_LABELS,
    ROLE_LABELS,
    CsvMapping,
    ImportFileError,
)
from homeledger.services.lookup import fetch
from homeledger.services.text import collapse


def save_profile(session: Session, name: str, mapping: CsvMapping) -> ImportProfile:
    """Remember a column mapping under a bank's name (replacing one of the same name)."""
    name = collapse(name or "")
    if not name or len(name) > 100:
        raise ValidationError({"name": "is required (at most 100 characters)"})
    profile = session.scalars(select(ImportProfile).where(ImportProfile.name == name)).first()
    if profile is None:
        profile = ImportProfile(name=name, mapping=mapping.to_dict())
        session.add(profile)
    else:
        profile.mapping = mapping.to_dict()
    session.flush()
    return profile


def list_profiles(session: Session) -> list[ImportProfile]:
    return list(session.scalars(select(ImportProfile).order_by(ImportProfile.name)))


def get_profile(session: Session, profile_id: int) -> ImportProfile:
    profile = fetch(session, ImportProfile, profile_id)
    if profile is None:
        raise NotFound(f"no import profile {profile_id}")
    return profile


def profile_mapping(session: Session, profile_id: int) -> CsvMapping:
    """The CSV mapping saved as ``profile_id``; ImportFileError if it no longer makes sense."""
    return CsvMapping.from_dict(get_profile(session, profile_id).mapping)


def delete_profile(session: Session, profile_id: int) -> None:
    session.delete(get_profile(session, profile_id))
    session.flush()


def describe(profile: ImportProfile) -> list[str]:
    """A saved mapping in words, a line a point: which column holds what, how dates and
    amounts are written, and whether a file's first row names the columns."""
    try:
        mapping = CsvMapping.from_dict(profile.mapping)
    except ImportFileError as exc:
        return [f"This mapping can no longer be used: {exc}."]
    lines = []
    for role, label in ROLE_LABELS.items():
        column = getattr(mapping, role)
        if not column:
            continue
        line = f"{label}: “{column}”"
        if role == "date":
            line += f", written {DATE_FORMAT_LABELS.get(mapping.date_format, mapping.date_format)}"
        elif role in ("amount", "debit", "credit"):
            line += ", with a decimal " + ("comma" if mapping.decimal_separator == "," else "point")
        lines.append(line)
    first_row = {
        True: "The first row names the columns.",
        False: "The file has no header row: the first row is a transaction.",
        None: "Whether the first row names the columns is read from each file.",
    }
    lines.append(first_row[mapping.has_header])
    return lines
