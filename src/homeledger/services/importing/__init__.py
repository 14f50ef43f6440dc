"""Importing bank files; parsing lives in parsers and never touches the database."""

from homeledger.services.importing.parsers import (
    CsvMapping,
    CsvPreview,
    ImportFileError,
    ParsedRow,
    decode_text,
    detect_date_format,
    detect_decimal_separator,
    detect_format,
    parse_amount,
    parse_csv,
    parse_date,
    parse_file,
    parse_ofx,
    parse_qif,
    sniff_csv,
)

__all__ = [
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
