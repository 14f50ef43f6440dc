"""What the end-to-end benchmark does over HTTP and beside it: pages timed through the
server, API writes (and their statements, in-process), the CSV import, the legacy
migration, and wrk's throughput. end_to_end.py runs them in order."""

from __future__ import annotations

import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import large_instance
import routes
import serve
from in_process import InProcess
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.config import normalise_database_url
from homeledger.services import accounts
from homeledger.services.legacy import LegacySource, migrate

WARM_UP = 3
SLOW_SECONDS = 1.0
LEGACY_GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "legacy" / "make_legacy_db.py"


def say(message: str) -> None:
    """Progress, on stderr: stdout is the report."""
    print(message, file=sys.stderr, flush=True)


def timed(answers: list[serve.Answer]) -> dict:
    taken = [a.seconds * 1000 for a in answers]
    statuses = Counter(a.status for a in answers)
    return {
        "p50_ms": statistics.median(taken),
        "p95_ms": serve.percentile(taken, 0.95),
        "max_ms": max(taken),
        "n": len(taken),
        "status": statuses.most_common(1)[0][0],
        "statuses": dict(statuses),
        "bytes": len(answers[-1].body),
    }


def measure(client: serve.Client, case: routes.Case, requests: int) -> dict:
    """p50/p95 of ``requests`` requests after 3 unmeasured; a page slower than 1 s gets
    one unmeasured and ``requests / 6`` (at least 5) measured, to keep the run short."""
    client.fresh_token()
    first = client.request(case.method, case.url)
    if first.seconds >= SLOW_SECONDS:
        n = max(5, requests // 6)
    else:
        n = requests
        for _ in range(WARM_UP - 1):
            client.request(case.method, case.url)
    return timed([client.request(case.method, case.url) for _ in range(n)])


def measure_all(client, cases, requests, pages: dict, where: str) -> None:
    """Each case's figures into ``pages`` (by label) under ``where``."""
    for number, case in enumerate(cases, 1):
        page = pages.setdefault(case.label, {"url": case.url, "kind": case.kind})
        page[where] = measure(client, case, requests)
        if number % 20 == 0:
            say(f"  {where}: {number} of {len(cases)} pages and endpoints")


def writes(client: serve.Client, ids: dict, today: date, requests: int) -> dict[str, dict]:
    """API writes, each ``requests`` times after 3 unmeasured; what they add is removed."""
    n = requests + WARM_UP
    client.fresh_token()
    month = routes.month_text(today.year, today.month)
    body = {"date": today.isoformat(), "amount": "-12.34", "category_id": ids["category_id"]}
    created = [
        client.send_json("POST", "/api/v1/transactions", {**body, "description": f"bench {i}"})
        for i in range(n)
    ]
    new_ids = [a.json()["id"] for a in created if a.status == 201]
    edited = [
        client.send_json("PATCH", f"/api/v1/transactions/{i}", {"description": "bench, edited"})
        for i in new_ids
    ]
    deleted = [client.request("DELETE", f"/api/v1/transactions/{i}") for i in new_ids]
    budget = {"month": month, "category_id": ids["category_id"], "amount": "1234.00"}
    budgets = [client.send_json("PUT", "/api/v1/budgets", budget) for _ in range(n)]
    payments_url = f"/api/v1/debts/{ids['debt_id']}/payments"
    paid = [
        client.send_json("POST", payments_url, {"date": today.isoformat(), "amount": "1.00"})
        for _ in range(n)
    ]
    unpaid = [
        client.request("DELETE", f"{payments_url}/{a.json()['id']}")
        for a in paid
        if a.status == 201
    ]
    return {
        label: timed(answers[WARM_UP:])
        for label, answers in (
            ("POST /api/v1/transactions", created),
            ("PATCH /api/v1/transactions/<id>", edited),
            ("DELETE /api/v1/transactions/<id>", deleted),
            ("PUT /api/v1/budgets", budgets),
            ("POST /api/v1/debts/<id>/payments", paid),
            ("DELETE /api/v1/debts/<id>/payments/<id>", unpaid),
        )
        if len(answers) > WARM_UP
    }


def write_statements(app: InProcess, ids: dict, today: date) -> dict[str, dict]:
    """The same writes once each, in-process, counted."""
    body = {"date": today.isoformat(), "amount": "-12.34", "description": "bench counted"}
    found = {}
    created = app.request("POST", "/api/v1/transactions", json=body)
    found["POST /api/v1/transactions"] = created
    new_id = app.client.get(
        "/api/v1/transactions?search=bench+counted", headers=app.bearer
    ).get_json()["items"][0]["id"]
    found["PATCH /api/v1/transactions/<id>"] = app.request(
        "PATCH", f"/api/v1/transactions/{new_id}", json={"description": "bench counted, edited"}
    )
    found["DELETE /api/v1/transactions/<id>"] = app.request(
        "DELETE", f"/api/v1/transactions/{new_id}"
    )
    month = routes.month_text(today.year, today.month)
    found["PUT /api/v1/budgets"] = app.request(
        "PUT",
        "/api/v1/budgets",
        json={"month": month, "category_id": ids["category_id"], "amount": "1234.00"},
    )
    payments = f"/api/v1/debts/{ids['debt_id']}/payments"
    paid = app.request("POST", payments, json={"date": today.isoformat(), "amount": "1.00"})
    found["POST /api/v1/debts/<id>/payments"] = paid
    last = app.client.get(payments, headers=app.bearer).get_json()
    items = last["items"] if isinstance(last, dict) else last
    newest = max(p["id"] for p in items)
    found["DELETE /api/v1/debts/<id>/payments/<id>"] = app.request("DELETE", f"{payments}/{newest}")
    return {
        label: {"total": c.statements, "settings": c.settings, "status": c.status}
        for label, c in found.items()
    }


def bank_csv(rows: int, today: date) -> bytes:
    """A bank's export: ISO dates over five years, 500 payees, amounts with cents."""
    rng = random.Random(19)
    first = today - timedelta(days=5 * 365)
    lines = ["Date,Description,Amount"]
    for _ in range(rows):
        cents = rng.choice([rng.randint(-30000, -1), rng.randint(1, 10000)])
        day = first + timedelta(days=rng.randrange(5 * 365))
        payee = f"Payee {rng.randrange(500)} ref {rng.randrange(10**6)}"
        lines.append(f"{day.isoformat()},{payee},{cents / 100:.2f}")
    return ("\n".join(lines) + "\n").encode()


def import_over_http(port: int, server: serve.Server, today: date, rows: int) -> dict | str:
    client = serve.Client(port)
    client.sign_in(large_instance.IMPORTER, large_instance.PASSWORD)
    data = bank_csv(rows, today)
    boundary = secrets.token_hex(16)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bank.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = client.request(
        "POST",
        "/api/v1/imports",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    client.close()
    found = {"status": answer.status, "seconds": answer.seconds, "file_mb": len(data) / 2**20}
    if answer.status != 201:
        return found | {"answer": answer.body[:300].decode(errors="replace")}
    rows = answer.json()["row_count"]
    return found | {
        "rows": rows,
        "rows_per_second": rows / answer.seconds,
        "server_peak_mb": server_peak_mb(server),
    }


def server_peak_mb(server: serve.Server) -> int | None:
    """The peak resident memory (VmHWM) of the server and its workers together."""
    try:
        pid = server.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for process in [str(pid), *children]:
            for line in Path(f"/proc/{process}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        return total // 1024
    except OSError:
        return None


def legacy_migration(url: str, username: str, who: str) -> dict | str:
    """The legacy sample (the shared generator's default) migrated into a new account."""
    if not LEGACY_GENERATOR.exists():
        return f"skipped: no sample generator at {LEGACY_GENERATOR}"
    with tempfile.TemporaryDirectory() as tmp:
        legacy = Path(tmp) / "personal_finance.db"
        subprocess.run(
            [sys.executable, str(LEGACY_GENERATOR), "--out", str(legacy)],
            check=True,
            capture_output=True,
        )
        engine = create_engine(normalise_database_url(url))
        with Session(engine) as session:
            user = accounts.create_user(session, username, large_instance.PASSWORD)
            session.commit()
            tenancy.set_ledger(session, user.id)
            started = time.perf_counter()
            with LegacySource(legacy) as source:
                result = migrate(session, source, username=username)
            session.commit()
            seconds = time.perf_counter() - started
        engine.dispose()
    return {"seconds": seconds, "transactions": result.counts["transactions"].written, "as": who}


def throughput(client: serve.Client, port: int, seconds: int) -> dict:
    client.fresh_token()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    found = {}
    for name, path in routes.THROUGHPUT.items():
        headers = (
            {"Authorization": f"Bearer {client.bearer}"}
            if path.startswith("/api/")
            else {"Cookie": cookie}
        )
        result = serve.wrk(f"http://127.0.0.1:{port}{path}", headers, seconds)
        serve.wait_until_idle(port)  # the requests wrk left queued are served first
        found[f"{name} ({path})"] = result if isinstance(result, str) else result.__dict__
    return found
