"""Importing bank files: parsing CSV, OFX/QFX and QIF into rows, never touching the database."""

from homeledger.services.importing.csv_files import CsvPreview, parse_csv, sniff_csv
from homeledger.services.importing.csv_mapping import POSITION_NAME, ROLE_LABELS, CsvMapping
from homeledger.services.importing.formats import detect_date_format, detect_format
from homeledger.services.importing.ofx_files import parse_ofx
from homeledger.services.importing.qif_files import parse_qif
from homeledger.services.importing.uploads import (
    MAX_IMPORT_BYTES,
    BadLines,
    ChoiceNeeded,
    read_file,
)
from homeledger.services.importing.values import (
    DATE_FORMAT_LABELS,
    DATE_FORMATS,
    ImportFileError,
    LineProblem,
    ParsedFile,
    ParsedRow,
    decode_text,
    detect_decimal_separator,
    guess_decimal_separator,
    parse_amount,
    parse_date,
)

__all__ = [
    "DATE_FORMATS",
    "DATE_FORMAT_LABELS",
    "MAX_IMPORT_BYTES",
    "POSITION_NAME",
    "ROLE_LABELS",
    "BadLines",
    "ChoiceNeeded",
    "CsvMapping",
    "CsvPreview",
    "ImportFileError",
    "LineProblem",
    "ParsedFile",
    "ParsedRow",
    "decode_text",
    "detect_date_format",
    "detect_decimal_separator",
    "detect_format",
    "guess_decimal_separator",
    "parse_amount",
    "parse_csv",
    "parse_date",
    "parse_ofx",
    "parse_qif",
    "read_file",
    "sniff_csv",
]
