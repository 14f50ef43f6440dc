"""Which CSV columns hold what: the mapping a person confirms (and may save), and the bank
header names we recognise to suggest one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

from homeledger.services.importing.values import (
    DATE_FORMATS,
    DECIMAL_SEPARATORS,
    ImportFileError,
    quoted,
)
from homeledger.services.text import collapse

# Columns of a file without a header row are named by position: "Column 1", "Column 2"...
POSITION_NAME = "Column {}"

# Header names we recognise, best first, "|" between; compared after normalise_header(),
# which drops case, accents, punctuation and anything in brackets ("Montant (EUR)").
_HEADER_NAMES = {
    field: names.split("|")
    for field, names in {
        "date": "date|transaction date|booking date|posted|posted date|posting date|trans date"
        "|completed date|datum|buchungstag|buchungsdatum|transactiedatum|boekdatum"
        "|date operation|date de l operation|date comptable|fecha|fecha operacion"
        "|data|data operazione|data contabile|value date|wertstellung|valuta|valutadatum"
        "|date valeur|date de valeur|fecha valor|data valuta|rentedatum",
        "description": "description|payee|details|narrative|transaction description"
        "|transaction details|merchant|name|beguenstigter zahlungspflichtiger"
        "|auftraggeber empfanger|empfanger|name zahlungsbeteiligter|zahlungsempfanger"
        "|naam omschrijving|omschrijving|naam|libelle|libelle operation|libelle simplifie"
        "|concepto|descripcion|descrizione|causale|verwendungszweck|buchungstext|beschreibung"
        "|memo",
        "amount": "amount|transaction amount|value|betrag|umsatz|montant|bedrag|importe|importo",
        "debit": "debit|debits|debit amount|withdrawal|withdrawals|money out|paid out|soll"
        "|ausgang|debit euros|montant debit|af|cargo|cargos|addebiti|dare|uscite",
        "credit": "credit|credits|credit amount|deposit|deposits|money in|paid in|haben"
        "|eingang|credit euros|montant credit|bij|abono|abonos|accrediti|avere|entrate",
        # A column saying which way an unsigned amount went: Dutch "Af Bij", German "Soll/Haben".
        "direction": "af bij|soll haben|s h|debit credit|credit debit|dr cr|cr dr"
        "|debit credit indicator|credit debit indicator|sens",
        "category": "category|kategorie|categorie|categoria",
        "owner": "owner",
        "account": "account|account name|account number",
        "notes": "notes|note|memo|mededelingen|verwendungszweck|communication",
    }.items()
}
COLUMN_FIELDS = tuple(_HEADER_NAMES)  # every CsvMapping field that names a column
# How each column role reads to a person, in the order a column picker shows them.
ROLE_LABELS = {
    "date": "Date",
    "description": "Description",
    "amount": "Amount",
    "debit": "Debit (money out)",
    "credit": "Credit (money in)",
    "direction": "Money in or out (e.g. Af/Bij, S/H)",
    "category": "Category",
    "owner": "Owner",
    "account": "Account",
    "notes": "Notes",
}

# What a direction column's cells say, after normalise_header(): money out, or money in.
_MONEY_OUT = {"af", "debit", "dr", "d", "db", "s", "soll", "out", "-", "cargo", "dare", "uit"}
_MONEY_OUT |= {"dbit", "debet"}  # ISO 20022's code (a "credit debit indicator"), Dutch
_MONEY_IN = {"bij", "credit", "cr", "c", "h", "haben", "in", "+", "abono", "avere", "crdt"}


@dataclass(frozen=True)
class CsvMapping:
    """Which CSV columns hold what, and how dates and amounts are written; saved as a profile.

    ``has_header`` says whether the first row of the table names the columns; None lets
    each file decide (a first row reading as a date and an amount is data, not names).
    """

    date: str
    description: str
    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    direction: str | None = None
    category: str | None = None
    owner: str | None = None
    account: str | None = None
    notes: str | None = None
    date_format: str = "iso"
    decimal_separator: str = "."
    has_header: bool | None = None

    def __post_init__(self) -> None:
        if self.date_format not in DATE_FORMATS:
            raise ImportFileError(
                f"the mapping has an unknown date format {quoted(self.date_format)}"
            )
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            raise ImportFileError(
                f"the mapping has an unknown decimal separator {quoted(self.decimal_separator)}"
            )
        if not self.date or not self.description:
            raise ImportFileError("the mapping needs a date column and a description column")
        if self.amount and (self.debit or self.credit):
            raise ImportFileError(
                "the mapping has an amount column and debit/credit columns; use one or the other"
            )
        if not (self.amount or self.debit or self.credit):
            raise ImportFileError(
                "the mapping needs an amount column, or debit and/or credit columns"
            )
        if self.direction and not self.amount:
            raise ImportFileError(
                "a money in/out column goes with an amount column, not with debit/credit columns"
            )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CsvMapping:
        """Rebuild a mapping sent or saved as JSON, naming the first bad key or value."""
        if not isinstance(data, Mapping):
            raise ImportFileError("the mapping profile is not a JSON object")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ImportFileError(f"the mapping profile has an unknown key {quoted(key)}")
        values: dict[str, object] = {}
        for key in COLUMN_FIELDS:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ImportFileError(f"the mapping profile's '{key}' must be a column name")
            values[key] = value or None
        for key in ("date", "description"):
            if values[key] is None:
                raise ImportFileError(f"the mapping profile has no '{key}' column")
        for key, default in (("date_format", "iso"), ("decimal_separator", ".")):
            value = data.get(key, default)
            if not isinstance(value, str):
                raise ImportFileError(f"the mapping profile's '{key}' must be text")
            values[key] = value
        has_header = data.get("has_header")
        if has_header is not None and not isinstance(has_header, bool):
            raise ImportFileError("the mapping profile's 'has_header' must be true, false or null")
        values["has_header"] = has_header
        return cls(**values)  # type: ignore[arg-type]  # date/description checked above


def normalise_header(name: str) -> str:
    """A header as we compare it: "Montant (EUR)" and "montant" are the same column."""
    name = re.sub(r"\(.*?\)", " ", name.casefold())
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return collapse(re.sub(r"[^\w]+|_", " ", name))


def find_column(columns: list[str], name: str) -> int | None:
    """The index of the column called ``name``, forgiving case and spacing."""
    if name in columns:
        return columns.index(name)
    # Profiles outlive exports; banks change case and spacing between versions.
    wanted = collapse(name).casefold()
    for index, column in enumerate(columns):
        if column.casefold() == wanted:
            return index
    return None


def suggest_columns(headers: list[str]) -> dict[str, str]:
    """The columns whose header names we recognise, by mapping field."""
    normalised = [normalise_header(h) for h in headers]
    used: set[int] = set()
    found: dict[str, str] = {}
    for field, names in _HEADER_NAMES.items():
        for name in names:
            index = next((i for i, h in enumerate(normalised) if h == name and i not in used), None)
            if index is not None:
                used.add(index)
                found[field] = headers[index]
                break
    if "amount" in found:
        found.pop("debit", None)
        found.pop("credit", None)
    else:
        found.pop("direction", None)
    return found


def fits_under(names: list[str], row: list[str]) -> bool:
    """Whether a line of another width than the table is still its header: it names a date
    or money column, and the row below has no filled cell past its last name."""
    filled = max((i + 1 for i, cell in enumerate(row) if cell.strip()), default=0)
    found = suggest_columns([collapse(name) for name in names])
    return filled <= len(names) and bool({"date", "amount", "debit", "credit"} & found.keys())


def money_in(cell: str) -> bool:
    """Whether a direction column's cell says money in (True) or out (False)."""
    if not cell.strip():
        raise ValueError("the money in/out column is empty")
    word = cell.strip() if cell.strip() in ("+", "-") else normalise_header(cell)
    if word in _MONEY_IN:
        return True
    if word in _MONEY_OUT:
        return False
    raise ValueError(
        f"'{collapse(cell)[:20]}' does not say whether money went in or out "
        "(expected a word such as Af/Bij, Debit/Credit, S/H)"
    )
