"""Errors services raise for callers (web forms, API, CLI) to turn into clear messages."""

from __future__ import annotations


class ServiceError(Exception):
    """Base for anything a service refuses to do."""


class ValidationError(ServiceError):
    """Input was wrong; ``fields`` maps each offending field to what is wrong with it."""

    def __init__(self, fields: dict[str, str] | str) -> None:
        if isinstance(fields, str):
            fields = {"_": fields}
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" if k != "_" else v for k, v in fields.items()))


class NotFound(ServiceError):
    """The thing does not exist in the acting ledger (which is all a caller may know)."""


class OwnerOnly(ServiceError):
    """Only the ledger's owner may do this (manage its members, for one)."""
