"""An old desktop file for tests outside tests/legacy: made by the shared sample maker, the
same way tests/legacy/conftest.py makes its samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "legacy" / "make_legacy_db.py"


def make_old_file(folder: Path, *, seed: int = 23, transactions: int = 400) -> tuple[bytes, dict]:
    """The file's bytes and its manifest (counts, owners, currency, dirty rows)."""
    out = folder / "personal_finance.db"
    args = [sys.executable, str(GENERATOR), "--out", str(out), "--seed", str(seed)]
    subprocess.run([*args, "--transactions", str(transactions)], check=True, capture_output=True)
    return out.read_bytes(), json.loads(Path(f"{out}.manifest.json").read_text())
