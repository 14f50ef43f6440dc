"""Shared pieces of bank-file parsing: the error, the row, text decoding, amounts and dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from homeledger.services.text import collapse

DATE_FORMATS = ("iso", "dmy", "mdy", "ymd")
DATE_FORMAT_LABELS = {
    "iso": "YYYY-MM-DD",
    "dmy": "DD/MM/YYYY",
    "mdy": "MM/DD/YYYY",
    "ymd": "YYYY/MM/DD",
}
DECIMAL_SEPARATORS = (".", ",")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_SHOWN_CELL = 200  # characters of a cell kept in a LineProblem


class ImportFileError(ValueError):
    """A file we cannot import; message names the problem, and .line the 1-based line when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True, slots=True)  # one per row of a file: kept small
class ParsedRow:
    """One transaction read from a file, before it touches the database."""

    line: int
    date: date
    description: str
    amount: Decimal
    bank_id: str | None = None
    category: str | None = None
    owner: str | None = None
    account: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class LineProblem:
    """A line of the file that gives no transaction, and why: shown to the person, who can
    fix the file or import the rest without it."""

    line: int | None
    reason: str
    column: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        # Shown on pages and kept on the batch: a megabyte cell must not come along whole.
        for name in ("column", "value"):
            text = getattr(self, name)
            if text is not None and len(text) > MAX_SHOWN_CELL:
                object.__setattr__(self, name, text[: MAX_SHOWN_CELL - 1] + "…")

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class CellError(ValueError):
    """A cell that cannot be read; carries the column it is in and the text it holds."""

    def __init__(self, reason: str, column: str | None = None, value: str | None = None) -> None:
        self.reason, self.column, self.value = reason, column, value
        super().__init__(reason)


@dataclass
class ParsedFile:
    """What a file holds: the rows that read, the lines that did not, and how many it had.

    ``lines_read`` counts the file's transaction lines (for CSV, the data rows below
    the column names), so ``lines_read == len(rows) + len(problems)``: nothing the
    file holds goes missing without being named.
    """

    rows: list[ParsedRow]
    problems: list[LineProblem] = field(default_factory=list)
    lines_read: int = 0


def quoted(text: str, limit: int = 40) -> str:
    # Values go into messages shown to people; a whole mangled line would bury the point.
    text = collapse(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


# --- text ---------------------------------------------------------------------------------------

BINARY_MESSAGE = "this is not a text file (it looks binary)"


def _utf8_or_cp1252(line: bytes) -> tuple[str, bool]:
    """One line as text, and whether it was (non-ASCII) UTF-8."""
    try:
        return line.decode("utf-8"), not line.isascii()
    except UnicodeDecodeError:
        return line.decode("cp1252"), False


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode an uploaded text file: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data:
        # NULs never occur in CSV/QIF text; they mean a binary file or UTF-16 we don't take.
        raise ImportFileError(BINARY_MESSAGE)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportFileError("the file starts like UTF-8 but is not valid UTF-8") from exc
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Older bank exports and Excel on Windows write cp1252 ("Café £5"). A file that
            # is mostly UTF-8 with a few cp1252 lines (pasted together) is read line by line,
            # so its good UTF-8 lines are not garbled into "CafÃ©".
            try:
                lines = [_utf8_or_cp1252(line) for line in data.splitlines(keepends=True)]
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    "this is not a text file (it is neither UTF-8 nor Windows-1252)"
                ) from exc
            text = "".join(line for line, _ in lines)
            utf8_lines = sum(1 for _, was_utf8 in lines if was_utf8)
            encoding = "utf-8+cp1252" if utf8_lines and any(not u for _, u in lines) else "cp1252"
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch not in "\t\r\n\f" and unicodedata.category(ch) == "Cc")
    # A few stray control characters happen in real exports; lots of them mean binary.
    if sample and controls / len(sample) > 0.05:
        raise ImportFileError(BINARY_MESSAGE)
    return text, encoding


# --- amounts ------------------------------------------------------------------------------------

# A currency written beside an amount: a symbol ("$", "€", "R$", "kr"), or an ISO code ("EUR").
_CURRENCY = r"[$£€¥₹₩₽₺₪₫฿₱₦₴]|[A-Z]{1,3}\$|kr\.?|Kč|zł|Fr\.|CHF|[A-Z]{3}"
_AMOUNT_RE = re.compile(
    r"""
    (?P<lead>[-+])? \s*
    (?P<cur1>{currency})? \s*
    (?P<lead2>[-+])? \s*
    (?P<number>\d(?:[\d.,' ]*\d)?|[.,]\d+)
    \s* (?P<cur2>{currency})?
    \s* (?P<trail>[-+]|(?i:CR|DR))?
    """.replace("{currency}", _CURRENCY),
    re.VERBOSE,
)
_NUMBER_RE = re.compile(r"\d(?:[\d.,' ]*\d)?")


def _guess_decimal(number: str) -> str | None:
    """The decimal separator a bare number implies, or None when it could be either."""
    has_dot, has_comma = "." in number, "," in number
    if has_dot and has_comma:
        return "." if number.rfind(".") > number.rfind(",") else ","
    if not (has_dot or has_comma):
        return None
    mark = "." if has_dot else ","
    other = "," if has_dot else "."
    if number.count(mark) > 1:
        return other  # "1,234,567": repeated marks can only be thousands
    head, _, tail = number.partition(mark)
    if len(tail) == 3 and re.fullmatch(r"\d{1,3}", head.replace(" ", "").replace("'", "")):
        return None  # "1,234" and "1.234" read both ways
    return mark


# The plain way most exports write an amount ("-12.30", "1500", "12,5" with a decimal comma):
# read straight to Decimal. Everything else takes the careful path below.
_PLAIN_AMOUNT = {
    ".": re.compile(r"-?\d{1,15}(?:\.\d{1,2})?"),
    ",": re.compile(r"-?\d{1,15}(?:,\d{1,2})?"),
}


def parse_amount(text: str, decimal_separator: str | None = None) -> Decimal:
    """Read a money amount exactly, to 2 places; None separator means guess it from the text."""
    if decimal_separator not in (None, *DECIMAL_SEPARATORS):
        raise ValueError(f"unknown decimal separator {decimal_separator!r}")
    if decimal_separator is not None and _PLAIN_AMOUNT[decimal_separator].fullmatch(text):
        value = Decimal(text.replace(",", ".")).quantize(CENT)
        return value if value else ZERO  # "-0.00" is no amount owed
    # Excel and some banks write U+2212 for minus and a typographic apostrophe for Swiss thousands.
    s = collapse(text.replace("\u2212", "-").replace("\u2019", "'"))
    if not s:
        raise ValueError("the amount is empty")
    bad = ValueError(f"{quoted(text)} is not an amount")
    signs = []
    if s.startswith("(") and s.endswith(")"):
        signs.append("-")
        s = s[1:-1].strip()
    match = _AMOUNT_RE.fullmatch(s)
    if match is None:
        raise bad
    signs += [v.upper() for v in match.group("lead", "lead2", "trail") if v]
    if len(signs) > 1 or (match["cur1"] and match["cur2"]):
        raise bad
    negative = bool(signs) and signs[0] in ("-", "DR")

    number = match["number"]
    separator = decimal_separator or _guess_decimal(number) or "."
    if number.count(separator) > 1:
        raise bad
    integer, _, fraction = number.partition(separator)
    if not fraction.isdigit() and fraction:
        raise bad
    groups = re.split(r"[.,' ]", integer)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3
        or groups[0].startswith("0")
        or any(len(g) != 3 for g in groups[1:])
    ):
        raise bad  # "1.2.3", "12,34" or "0,001" are not thousands groupings
    digits = "".join(groups) or "0"
    if not digits.isdigit():
        raise bad
    if len(digits.lstrip("0")) > 15:
        # Beyond any household amount, and Decimal's default precision would fail on quantize.
        raise ValueError(f"{quoted(text)} is too large to be an amount")
    if len(fraction.rstrip("0")) > 2:
        raise ValueError(f"{quoted(text)} has more than 2 decimal places")
    value = Decimal(f"{digits}.{fraction or '0'}").quantize(CENT)
    if negative and value:
        value = -value
    return value


def guess_decimal_separator(text: str) -> str | None:
    """The decimal separator an amount's text implies ("1.234,50": ","), or None when it
    could be either ("1,234") or has none ("12")."""
    found = _NUMBER_RE.search(text or "")
    return _guess_decimal(found.group()) if found else None


def detect_decimal_separator(samples: list[str], default: str | None = ".") -> str | None:
    """Guess "." or "," from amount texts; ``default`` when nothing decides it."""
    votes: Counter[str] = Counter()
    for sample in samples:
        found = _NUMBER_RE.search(sample or "")
        if found:
            guess = _guess_decimal(found.group())
            if guess:
                votes[guess] += 1
    if not votes:
        return default
    return "," if votes[","] > votes["."] else "."


# --- dates --------------------------------------------------------------------------------------

_TIME_SUFFIX_RE = re.compile(
    r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_DATE_SPLIT_RE = re.compile(r"\s*[/.,-]\s*|\s+")
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def date_format_label(date_format: str, example: str = "") -> str:
    """How a format reads to a person, using the example's separator: "DD.MM.YYYY"."""
    label = DATE_FORMAT_LABELS.get(date_format, date_format)
    if date_format != "iso" and "/" not in example:
        for separator in ".-":
            if separator in example:
                return label.replace("/", separator)
    return label


def _month(token: str) -> int | None:
    if token.isdigit() and len(token) <= 2:
        return int(token)
    return _MONTH_NAMES.get(token.lower().rstrip("."))


def _year(token: str, two_digits_ok: bool) -> int | None:
    if token.isdigit() and len(token) == 4:
        return int(token)
    if two_digits_ok and token.isdigit() and len(token) == 2:
        # Same pivot as strptime's %y: 69-99 are the 1900s.
        return int(token) + (1900 if int(token) >= 69 else 2000)
    return None


def _date_fields(text: str, date_format: str) -> tuple[int, int, int] | None:
    """(year, month, day) as ``text`` writes them in date_format, not yet checked as a
    calendar date; None when the text is not written that way."""
    core = _TIME_SUFFIX_RE.sub("", text.strip()).strip()
    if re.fullmatch(r"\d{8}", core) and date_format in ("iso", "ymd"):
        tokens = [core[:4], core[4:6], core[6:]]
    elif date_format == "iso" and not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", core):
        return None
    else:
        tokens = _DATE_SPLIT_RE.split(core)
    if len(tokens) != 3:
        return None
    if date_format in ("iso", "ymd"):
        year_t, month_t, day_t = tokens
        if not month_t.isdigit():
            return None
    elif date_format == "dmy":
        day_t, month_t, year_t = tokens
    else:
        month_t, day_t, year_t = tokens
    year = _year(year_t, two_digits_ok=date_format in ("dmy", "mdy"))
    month = _month(month_t)
    if year is None or month is None or not (day_t.isdigit() and len(day_t) <= 2):
        return None
    if not 1900 <= year <= 2199:
        return None  # keeps odd numbers like "01.02.0003" from passing as dates
    return year, month, int(day_t)


def _calendar_date(fields: tuple[int, int, int]) -> date | None:
    try:
        return date(*fields)
    except ValueError:
        return None  # 30 February, month 13


def try_date(text: str, date_format: str) -> date | None:
    """The date text means in date_format, or None; parse_date() explains failures."""
    fields = _date_fields(text, date_format)
    return _calendar_date(fields) if fields else None


def date_shaped(text: str) -> bool:
    """Whether text is written as a date in some format, real or not ("2026-02-30" is):
    no column name is, so a first row holding one is a transaction, not names."""
    return any(_date_fields(text, date_format) for date_format in DATE_FORMATS)


def parse_date(text: str, date_format: str) -> date:
    """Read a date in one of DATE_FORMATS; separators may be "/", "-" or ".", a time may follow."""
    if date_format not in DATE_FORMATS:
        raise ValueError(f"unknown date format {date_format!r}")
    if not text.strip():
        raise ValueError("the date is empty")
    fields = _date_fields(text, date_format)
    if fields is None:
        raise ValueError(
            f"{quoted(text)} is not a date in {date_format_label(date_format, text.strip())}"
        )
    parsed = _calendar_date(fields)
    if parsed is None:
        year, month, _ = fields
        if not 1 <= month <= 12:
            raise ValueError(f"{quoted(text)} is not a real date (there is no month {month})")
        raise ValueError(
            f"{quoted(text)} is not a real date ({date(year, month, 1):%B %Y} "
            f"has {_days_in(year, month)} days)"
        )
    return parsed


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
