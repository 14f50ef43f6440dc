"""Bank-file parsing into rows, without touching the database: CSV, OFX/QFX and QIF."""

from __future__ import annotations

from pathlib import PurePosixPath

from homeledger.services.importing.csv_files import (
    CsvMapping,
    CsvPreview,
    parse_csv,
    sniff_csv,
)
from homeledger.services.importing.ofx_files import parse_ofx
from homeledger.services.importing.qif_files import parse_qif
from homeledger.services.importing.values import (
    DATE_FORMAT_LABELS,
    DATE_FORMATS,
    ImportFileError,
    ParsedRow,
    decode_text,
    detect_date_format,
    detect_decimal_separator,
    parse_amount,
    parse_date,
)

__all__ = [
    "DATE_FORMATS",
    "DATE_FORMAT_LABELS",
    "CsvMapping",
    "CsvPreview",
    "ImportFileError",
    "ParsedRow",
    "decode_text",
    "detect_date_format",
    "detect_decimal_separator",
    "detect_format",
    "parse_amount",
    "parse_csv",
    "parse_date",
    "parse_file",
    "parse_ofx",
    "parse_qif",
    "sniff_csv",
]

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".ofx": "ofx",
    ".qfx": "ofx",
    ".qif": "qif",
}


def detect_format(filename: str, data: bytes) -> str:
    """ "csv", "ofx" or "qif": by what the file starts with, else by its extension."""
    # Content wins because banks name files oddly ("export.txt" holding OFX, "download.dat").
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip().upper()
    if head.startswith(b"OFXHEADER") or b"<?OFX" in head or b"<OFX>" in head:
        return "ofx"
    if head.startswith((b"!TYPE:", b"!ACCOUNT", b"!OPTION:")):
        return "qif"
    # Old browsers send the whole Windows path as the file name.
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    raise ImportFileError("unsupported file type; upload CSV, OFX, QFX or QIF")


def parse_file(filename: str, data: bytes, mapping: CsvMapping | None = None) -> list[ParsedRow]:
    """Parse OFX/QFX and QIF directly; CSV needs the mapping a person confirmed."""
    kind = detect_format(filename, data)
    if kind == "ofx":
        return parse_ofx(data)
    if kind == "qif":
        return parse_qif(data)
    if mapping is None:
        raise ImportFileError("a CSV file needs a column mapping")
    return parse_csv(data, mapping)
