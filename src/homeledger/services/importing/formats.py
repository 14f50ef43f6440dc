"""Which kind of bank file an upload is: CSV, OFX/QFX or QIF."""

from __future__ import annotations

from pathlib import PurePosixPath

from homeledger.services.importing.values import ImportFileError

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
