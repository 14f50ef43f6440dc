"""OFX and QFX statements (OFX 1.x SGML and 2.x XML) read with ofxtools."""

from __future__ import annotations

import io
import re
import threading
import warnings
from datetime import date
from xml.etree.ElementTree import Element
from xml.sax.saxutils import unescape

from homeledger.services.importing.values import (
    BINARY_MESSAGE,
    ImportFileError,
    ParsedFile,
    ParsedRow,
    parse_amount,
)
from homeledger.services.text import collapse

_STATEMENT_TAGS = {"STMTRS": "BANKACCTFROM", "CCSTMTRS": "CCACCTFROM"}
_ENTITIES = {"&nbsp;": " ", "&apos;": "'", "&quot;": '"'}
_V1_HEADER_RE = re.compile(rb"\s*(OFXHEADER:[^<]*)")
_V1_FIELDS = (
    (b"OFXHEADER", b"100"),
    (b"DATA", b"OFXSGML"),
    (b"VERSION", b"102"),
    (b"SECURITY", b"NONE"),
    (b"ENCODING", b"USASCII"),
    (b"CHARSET", b"NONE"),
    (b"COMPRESSION", b"NONE"),
    (b"OLDFILEUID", b"NONE"),
    (b"NEWFILEUID", b"NONE"),
)


def _body_charset(body: bytes, declared: bytes) -> bytes:
    """The CHARSET ofxtools should use: ISO-8859-1, 1252 or NONE (which it reads as UTF-8)."""
    # The declared charset is often wrong ("1252" on UTF-8 bodies, "UTF-8" or "8859-1", which
    # ofxtools rejects, or none at all), so the bytes decide: real 1252 text is almost never
    # valid UTF-8, and pure ASCII reads the same either way.
    try:
        body.decode("utf-8")
        return b"NONE"
    except UnicodeDecodeError:
        return b"ISO-8859-1" if declared in (b"ISO-8859-1", b"8859-1", b"LATIN1") else b"1252"


def _repair_v1_header(data: bytes) -> bytes:
    """Rewrite an OFX 1.x header so ofxtools accepts what real banks ship."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    match = _V1_HEADER_RE.match(data)
    if match is None:
        return data
    body = data[match.end() :]
    found = dict(re.findall(rb"([A-Z]+):[ \t]*(\S*)", match.group(1).upper()))
    found[b"CHARSET"] = _body_charset(body, found.get(b"CHARSET", b""))
    header = b"\r\n".join(
        name + b":" + (found.get(name) or default) for name, default in _V1_FIELDS
    )
    return header + b"\r\n\r\n" + body


def _problem(exc: Exception) -> str:
    # ofxtools messages can quote the whole header or document; keep the first line, briefly.
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    first = re.sub(r"\s+", " ", first).rstrip(" :")
    return first if len(first) <= 120 else first[:119] + "…"


def _text(parent: Element, path: str) -> str:
    # The raw tree keeps OFX escapes (&amp;); ofxtools unescapes the same set when converting.
    return collapse(unescape(parent.findtext(path) or "", _ENTITIES))


def _posted_date(raw: str) -> date:
    # ofxtools converts DTPOSTED to UTC, which moves a midnight "[+1:CET]" posting to the
    # previous day; the first 8 digits are the date the bank itself printed.
    return date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8]))


def _description(transaction: Element) -> str:
    payee = _text(transaction, "NAME") or _text(transaction, "PAYEE/NAME")
    memo = _text(transaction, "MEMO")
    if memo and payee and memo.casefold() not in payee.casefold():
        return f"{payee} - {memo}"
    return payee or memo


_IMPORTING = threading.Lock()


def _ofxtools():
    """ofxtools' parser and warnings, imported on first use, not at start-up (it is a fifth
    of the app's start, and most servers read OFX seldom). One thread at a time: two
    uploads importing it at once could each meet the other's half-imported modules."""
    with _IMPORTING:
        from ofxtools.models.base import OFXAggregateWarning
        from ofxtools.Parser import OFXTree
        from ofxtools.Types import OFXTypeWarning
    return OFXAggregateWarning, OFXTree, OFXTypeWarning


def parse_ofx(data: bytes) -> ParsedFile:
    """Bank and credit-card transactions of every statement in an OFX/QFX file."""
    if not data.strip():
        raise ImportFileError("the file is empty")
    if b"<OFX>" in data and b"</OFX>" not in data:
        # ofxtools closes open tags at end of input, so a download cut short after a complete
        # transaction would otherwise import as a shorter statement.
        raise ImportFileError("not a valid OFX file: it ends early (no closing </OFX> tag)")
    if b"\x00" in data:
        raise ImportFileError(BINARY_MESSAGE)
    OFXAggregateWarning, OFXTree, OFXTypeWarning = _ofxtools()
    tree = OFXTree()
    try:
        with warnings.catch_warnings():
            # ofxtools warns on names over 32 characters and on private tags (<INTU.BID>);
            # real bank files have both, and under "-W error" the warnings would reject them.
            # Scoped here because test runners discard filters set at import. The swap is not
            # thread-safe in 3.11, but a race can only add or drop these same ignore filters.
            warnings.simplefilter("ignore", OFXTypeWarning)
            warnings.simplefilter("ignore", OFXAggregateWarning)
            tree.parse(io.BytesIO(_repair_v1_header(data)))
            # convert() is the validation step: required fields, amounts, dates, nesting order.
            tree.convert()
    except Exception as exc:  # ofxtools signals bad input with many exception types
        raise ImportFileError(f"not a valid OFX file: {_problem(exc)}") from exc

    rows: list[ParsedRow] = []
    for statement in tree.getroot().iter():
        account_tag = _STATEMENT_TAGS.get(statement.tag)
        if account_tag is None:
            continue
        account_id = _text(statement, f"{account_tag}/ACCTID")
        account = f"…{account_id[-4:]}" if account_id else None
        for transaction in statement.iterfind("BANKTRANLIST/STMTTRN"):
            index = len(rows) + 1
            amount_text = _text(transaction, "TRNAMT")
            try:
                # ofxtools accepts a decimal comma in TRNAMT ("-4,80"); so do we.
                comma = "," in amount_text and "." not in amount_text
                amount = parse_amount(amount_text, "," if comma else ".")
            except ValueError as exc:
                raise ImportFileError(f"transaction {index}: {exc}") from exc
            rows.append(
                ParsedRow(
                    line=index,
                    date=_posted_date(_text(transaction, "DTPOSTED")),
                    description=_description(transaction),
                    amount=amount,
                    bank_id=_text(transaction, "FITID"),
                    account=account,
                )
            )
    if not rows:
        raise ImportFileError("the file has no transactions")
    return ParsedFile(rows=rows, lines_read=len(rows))
