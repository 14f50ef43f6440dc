"""Checks shared by the plans' inputs (bills, debts, goals): each reads one field a person
sent, stores the clean value in ``values`` or says what is wrong in ``problems``.

Every check reads as ``check_x(data, "field", problems, values)`` and does nothing when
the field was not sent (``data.given``), so an edit touches only what it names.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from homeledger.models import Owner
from homeledger.services.amounts import CENT, amount_problem
from homeledger.services.lookup import fetch
from homeledger.services.partial import PartialInput
from homeledger.services.text import collapse

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
NAME_LIMIT, NOTES_LIMIT = 100, 5000


def require(data: PartialInput, names: tuple[str, ...], problems: dict, *, creating: bool) -> None:
    """On create the fields must be sent; on edit, a sent one must not be emptied."""
    for name in names:
        if creating and (name not in data.given or getattr(data, name) is None):
            problems[name] = "is required"
        elif not creating and name in data.given and getattr(data, name) is None:
            problems[name] = "cannot be emptied"


def check_name(
    data: PartialInput, name: str, problems: dict, values: dict, *, optional: bool = False
) -> None:
    if name not in data.given or name in problems:
        return
    raw = getattr(data, name)
    text = collapse(raw) if isinstance(raw, str) else ""
    if not text and optional and (raw is None or isinstance(raw, str)):
        values[name] = None
    elif not text:
        problems[name] = "is required"
    elif len(text) > NAME_LIMIT or not text.isprintable():
        problems[name] = f"must be at most {NAME_LIMIT} printable characters"
    else:
        values[name] = text


def check_notes(data: PartialInput, name: str, problems: dict, values: dict) -> None:
    if name not in data.given:
        return
    notes = getattr(data, name)
    if notes is not None and not isinstance(notes, str):
        problems[name] = "must be text"
    elif notes is not None and len(notes) > NOTES_LIMIT:
        problems[name] = f"must be at most {NOTES_LIMIT} characters"
    else:
        values[name] = (notes.strip() or None) if notes is not None else None


def check_money(
    data: PartialInput,
    name: str,
    problems: dict,
    values: dict,
    *,
    minimum: Decimal = Decimal("0"),
    above_minimum: bool = False,
) -> None:
    """An exact amount of at least ``minimum`` (more than it with ``above_minimum``)."""
    if name not in data.given or name in problems:
        return
    value = getattr(data, name)
    if value is None:
        values[name] = None
    elif problem := amount_problem(value):
        problems[name] = problem
    elif value < minimum or (above_minimum and value == minimum):
        problems[name] = f"must be {'more than' if above_minimum else 'at least'} {minimum}"
    else:
        values[name] = value.quantize(CENT)


def check_day_of_month(data: PartialInput, name: str, problems: dict, values: dict) -> None:
    if name not in data.given:
        return
    day = getattr(data, name)
    whole = isinstance(day, int) and not isinstance(day, bool)
    if day is not None and not (whole and 1 <= day <= 31):
        problems[name] = "must be a day of the month from 1 to 31"
    else:
        values[name] = day


def check_date(data: PartialInput, name: str, problems: dict, values: dict) -> None:
    if name not in data.given or name in problems:
        return
    day = getattr(data, name)
    if day is not None and (not isinstance(day, date) or not EARLIEST <= day <= LATEST):
        problems[name] = "must be a real date between 1900 and 2199"
    else:
        values[name] = day


def check_flag(data: PartialInput, name: str, problems: dict, values: dict) -> None:
    if name not in data.given:
        return
    if not isinstance(getattr(data, name), bool):
        problems[name] = "must be true or false"
    else:
        values[name] = getattr(data, name)


def check_owner(session: Session, data: PartialInput, problems: dict, values: dict) -> None:
    if "owner_id" not in data.given:
        return
    if data.owner_id is not None and fetch(session, Owner, data.owner_id) is None:
        problems["owner_id"] = "is not one of your household's owners"
    values["owner_id"] = data.owner_id
