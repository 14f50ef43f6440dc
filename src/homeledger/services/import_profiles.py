"""Saved CSV column mappings ("profiles"), one per bank export format."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import ImportProfile
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.importing import CsvMapping
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
