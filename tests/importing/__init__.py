"""Bank-file parsing tests; sample files live in tests/data."""

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def read_data(name: str) -> bytes:
    return (DATA / name).read_bytes()
