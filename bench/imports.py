"""How fast a big CSV imports through the API, and how much memory it takes. Prints
figures; exits 0.

    python bench/imports.py                     # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/imports.py

A deterministic bank export of 100,000 rows (five years of DD/MM/YYYY dates, 600 payees,
debits and credits, three accounts) is sent to ``POST /api/v1/imports`` with the Flask
test client, as the phone app would: the server's own time, end to end (upload, parsing,
duplicate checks, rules, inserts, commit). Then the same file again (every row a
duplicate), the web's preview and confirm of it, undo, and a file as large as an upload
may be, whose time is what the production worker timeout must allow.

Memory is the process's peak resident set growth during one request (Linux's VmHWM,
reset before each), beyond the upload itself.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import io
import random
import re
import time
from datetime import date, timedelta
from html import unescape

from bench_databases import _CSRF, new_ledger, run_everywhere, signed_in_client

from homeledger import create_app, tenancy
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.migrate import upgrade
from homeledger.services.importing import MAX_IMPORT_BYTES

ROWS = 100_000
LAST_DAY = date(2025, 12, 31)
_WORDS = [
    "Tesco",
    "Sainsbury",
    "Amazon",
    "Shell",
    "Boots",
    "Costa",
    "Pret",
    "Uber",
    "Netflix",
    "Spotify",
    "Council",
    "Water",
    "Energy",
    "Octopus",
    "Vodafone",
    "Argos",
    "Currys",
    "Lidl",
    "Aldi",
    "Waitrose",
    "Greggs",
    "Deliveroo",
    "Trainline",
    "Ikea",
    "Halfords",
]


def bank_csv(rows: int, seed: int = 19) -> bytes:
    """A bank export of ``rows`` rows over the five years before LAST_DAY, oldest first."""
    rng = random.Random(seed)
    payees = [f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {n:03d}" for n in range(600)]
    start = LAST_DAY - timedelta(days=5 * 365)
    days = sorted(rng.randrange(5 * 365) for _ in range(rows))
    out = io.StringIO()
    out.write("Date,Description,Amount,Account\n")
    for day in days:
        when = start + timedelta(days=day)
        if rng.random() < 0.1:
            payee, pence = "Salary ACME LTD", rng.randint(150000, 350000)
        else:
            payee, pence = rng.choice(payees), -rng.randint(50, 30000)
        account = rng.choice(("Everyday", "Credit card", "Savings"))
        out.write(f"{when:%d/%m/%Y},{payee},{pence / 100:.2f},{account}\n")
    return out.getvalue().encode()


def largest_csv() -> tuple[bytes, int]:
    """The largest file an upload may be (MAX_IMPORT_BYTES), and its row count."""
    sample = bank_csv(1000)
    rows = int(1000 * MAX_IMPORT_BYTES / len(sample))
    data = bank_csv(rows)
    while len(data) > MAX_IMPORT_BYTES:
        rows = int(rows * 0.995)
        data = bank_csv(rows)
    return data, rows


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"{field}:\s+(\d+)", status.read())[1])


def _reset_peak() -> bool:
    """Hand memory freed by earlier steps back to the system, then restart the peak there,
    so that each step's growth is its own."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets VmHWM to the current resident set
        return True
    except OSError:
        return False


def measured(fn):
    """(result, seconds, peak resident growth in MB or None) of ``fn()``."""
    can_measure = _reset_peak()
    before = _status_kb("VmRSS") if can_measure else 0
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    growth = (_status_kb("VmHWM") - before) / 1024 if can_measure else None
    return result, elapsed, growth


def _line(what: str, rows: int, elapsed: float, growth: float | None, note: str = "") -> None:
    memory = f"{growth:7.0f} MB peak RSS growth" if growth is not None else ""
    print(f"  {what:<34} {elapsed:7.2f} s  {rows / elapsed:9,.0f} rows/s  {memory}  {note}")


def _api_import(client, bearer, name: str, data: bytes):
    response = client.post(
        "/api/v1/imports",
        headers=bearer,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    body = response.get_json()
    if response.status_code != 201:
        raise SystemExit(f"import answered {response.status_code}: {str(body)[:500]}")
    return body


def _undo(client, bearer, batch_id: int) -> int:
    return client.post(f"/api/v1/imports/{batch_id}/undo", headers=bearer).get_json()["changed"]


def _web_preview_and_confirm(client, name: str, data: bytes) -> None:
    """Upload on the web (the preview), then confirm the preview's form as a person would."""
    page = client.get("/imports").get_data(as_text=True)
    preview = client.post(
        "/imports",
        data={"file": (io.BytesIO(data), name), "csrf_token": _CSRF.search(page)[1]},
        content_type="multipart/form-data",
    )
    if preview.status_code != 200:
        raise SystemExit(f"web preview answered {preview.status_code}")
    done = client.post("/imports/preview", data={**_form_fields(preview.text), "confirm": "y"})
    if done.status_code != 302:
        raise SystemExit(f"web confirm answered {done.status_code}")


def _form_fields(html: str) -> dict[str, str]:
    """What a browser sends from the preview form: inputs and selected options."""
    form = html[html.index('id="import-form"') : html.index("</form>", html.index("import-form"))]
    fields = {
        unescape(m[1]): unescape(m[2])
        for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
        if 'type="submit"' not in m[0] and not ('type="checkbox"' in m[0] and "checked" not in m[0])
    }
    for menu in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', menu[2])
        fields[menu[1]] = unescape(chosen[1]) if chosen else ""
    return fields


def run(url: str, label: str, *, web: bool = True, largest: bool = True) -> None:
    app = create_app(TestConfig(url))
    with app.app_context():
        with db.engine.begin() as connection:
            upgrade(connection)
        new_ledger(db.session, "bench")
        db.session.commit()
        tenancy.set_ledger(db.session, None)
        db.session.remove()
    client, bearer = signed_in_client(app, "bench")
    data = bank_csv(ROWS)
    print(f"{label}: a {len(data) / 1e6:.1f} MB CSV of {ROWS:,} rows")
    batch, elapsed, growth = measured(lambda: _api_import(client, bearer, "bank.csv", data))
    _line("API import, fresh ledger", batch["row_count"], elapsed, growth)
    again, elapsed, growth = measured(lambda: _api_import(client, bearer, "bank.csv", data))
    note = f"({again['row_count']} added, {again['skipped_count']:,} duplicates)"
    _line("API import again (all duplicates)", ROWS, elapsed, growth, note)
    removed, elapsed, _ = measured(lambda: _undo(client, bearer, batch["id"]))
    _line("undo", removed, elapsed, None)
    if web:
        _, elapsed, growth = measured(lambda: _web_preview_and_confirm(client, "bank.csv", data))
        _line("web preview + confirm", ROWS, elapsed, growth)
        latest = client.get("/api/v1/imports", headers=bearer).get_json()[0]
        _undo(client, bearer, latest["id"])
    if largest:
        big, rows = largest_csv()
        batch, elapsed, growth = measured(lambda: _api_import(client, bearer, "big.csv", big))
        note = f"({len(big) / 2**20:.1f} MiB, the largest upload allowed)"
        _line(f"API import of {rows:,} rows", batch["row_count"], elapsed, growth, note)
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-web", action="store_true", help="leave out the web's preview")
    parser.add_argument("--no-largest", action="store_true", help="leave out the largest file")
    options = parser.parse_args()
    run_everywhere(
        lambda url, label: run(url, label, web=not options.no_web, largest=not options.no_largest)
    )


if __name__ == "__main__":
    main()
