"""Which kind of bank file an upload is (CSV, OFX/QFX or QIF), and which date format its
dates are written in."""

from __future__ import annotations

from pathlib import PurePosixPath

from homeledger.services.importing.values import DATE_FORMATS, ImportFileError, try_date

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


def detect_date_format(samples: list[str]) -> tuple[str | None, list[str]]:
    """The one format every sample fits (or None), and every format that fits them all."""
    # A statement repeats each date many times; each distinct text is tried once.
    values = list(dict.fromkeys(s.strip() for s in samples if s and s.strip()))
    if not values:
        return None, []
    candidates = [f for f in DATE_FORMATS if all(try_date(v, f) for v in values)]
    if "iso" in candidates and "ymd" in candidates:
        candidates.remove("ymd")  # both read YYYY-MM-DD the same way; not a real choice
    return (candidates[0] if len(candidates) == 1 else None), candidates
