"""Bringing the old single-user app's personal_finance.db into a user's ledger."""

from homeledger.services.legacy.migration import migrate
from homeledger.services.legacy.report import MigrationReport, Problem
from homeledger.services.legacy.source import LegacyFileError, LegacySource

__all__ = ["LegacyFileError", "LegacySource", "MigrationReport", "Problem", "migrate"]
