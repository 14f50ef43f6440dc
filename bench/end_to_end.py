"""`make bench`: the app end to end over a large instance, through a real HTTP server.
Prints a table and writes every figure to a JSON file; exits 0 whatever the figures.

    python bench/end_to_end.py                  # PostgreSQL at 127.0.0.1:5432, then SQLite
    BENCH_ROWS=12000 BENCH_REQUESTS=10 python bench/end_to_end.py    # a quick try

PostgreSQL, as production runs it: a throwaway database migrated by the release step
(``homeledger db upgrade`` with the owner's URL, which grants the app's own role: no
superuser, no BYPASSRLS, so row-level security holds every request), the large
instance (large_instance.py) loaded by the owner, the production configuration served
by gunicorn (serve.py). Then, signed in as the heavy household's owner:

* every web page and API read (routes.py): p50 and p95 of BENCH_REQUESTS requests
  (30) after 3 unmeasured, one keep-alive connection; a page slower than 1 s gets
  BENCH_REQUESTS / 6 (at least 5) after one, said in the ``n`` column;
* SQL statements per page, counted once in-process (in_process.py);
* a few API writes, timed the same way;
* the overview's, transaction list's and analytics' SQL: as the page sends it
  (replayed with psycopg) and written by hand (raw_sql.py), with page / raw;
* wrk -t2 -c8 for BENCH_WRK_SECONDS (10) against the overview and the API list;
* a BENCH_IMPORT_ROWS-row CSV (100,000) imported through the API into an empty
  ledger; the legacy sample migrated; the server's start-up (launch to first 200).

SQLite, as local mode runs it (``homeledger run``: waitress, 8 threads): the same
pages over the same instance (BENCH_SQLITE_ROWS a household; 0 skips SQLite), each
BENCH_SQLITE_REQUESTS times (20: the whole run stays near a quarter of an hour).

Knobs: BENCH_ROWS (100000 a household), BENCH_HOUSEHOLDS (6), BENCH_REQUESTS (30),
BENCH_SQLITE_ROWS (= BENCH_ROWS), BENCH_SQLITE_REQUESTS (20), BENCH_IMPORT_ROWS,
BENCH_WRK_SECONDS,
BENCH_DATABASE_URL (the server, as a superuser), BENCH_OUT (bench/out/latest.json),
BENCH_KEEP=1 (keep the database and files, and say where).
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import large_instance
import raw_sql
import report
import routes
import serve
from in_process import InProcess
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.config import normalise_database_url
from homeledger.services import accounts
from homeledger.services.legacy import LegacySource, migrate

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "6"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
SQLITE_REQUESTS = int(os.environ.get("BENCH_SQLITE_REQUESTS", str(min(REQUESTS, 20))))
SQLITE_ROWS = int(os.environ.get("BENCH_SQLITE_ROWS", str(ROWS)))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
OUT = Path(os.environ.get("BENCH_OUT", Path(__file__).parent / "out" / "latest.json"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
WARM_UP = 3
SLOW_SECONDS = 1.0
LEGACY_GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "legacy" / "make_legacy_db.py"
BIN = Path(sys.executable).parent


def say(message: str) -> None:
    """Progress, on stderr: stdout is the report."""
    print(message, file=sys.stderr, flush=True)


def secrets_env() -> dict[str, str]:
    return {"SECRET_KEY": secrets.token_urlsafe(48), "JWT_SECRET_KEY": secrets.token_urlsafe(48)}


def cli(*args: str, env: dict[str, str]) -> float:
    """``homeledger ...`` as an operator runs it; the seconds it took."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "homeledger"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"homeledger {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


# -- timing through HTTP -------------------------------------------------------------


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


# -- the import, the legacy migration, wrk ----------------------------------------------


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


def import_over_http(port: int, server: serve.Server, today: date) -> dict | str:
    client = serve.Client(port)
    client.sign_in(large_instance.IMPORTER, large_instance.PASSWORD)
    data = bank_csv(IMPORT_ROWS, today)
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


def throughput(client: serve.Client, port: int) -> dict:
    client.fresh_token()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    found = {}
    for name, path in routes.THROUGHPUT.items():
        headers = (
            {"Authorization": f"Bearer {client.bearer}"}
            if path.startswith("/api/")
            else {"Cookie": cookie}
        )
        result = serve.wrk(f"http://127.0.0.1:{port}{path}", headers, WRK_SECONDS)
        serve.wait_until_idle(port)  # the requests wrk left queued are served first
        found[f"{name} ({path})"] = result if isinstance(result, str) else result.__dict__
    return found


# -- raw SQL ------------------------------------------------------------------------


def raw_sql_figures(app: InProcess, conninfo: str, heavy: int, today: date, pages: dict) -> dict:
    hand = raw_sql.hand_written(today)
    found = {}
    for name, url in routes.heaviest((today.year, today.month)).items():
        label = next((c for c in pages if pages[c]["url"] == url), None)
        page = pages.get(label, {}).get("postgresql")
        if page is None:
            continue
        captured = app.request("GET", url).captured
        replayed = raw_sql.time_statements(conninfo, captured, REQUESTS)
        written = raw_sql.time_hand_written(conninfo, heavy, hand[name], REQUESTS)
        found[name] = {
            "url": url,
            "page_p50_ms": page["p50_ms"],
            "page_statements": len(captured),
            "replayed_p50_ms": replayed["p50_ms"],
            "hand_statements": len(hand[name]) + 1,
            "hand_p50_ms": written["p50_ms"],
            "ratio": page["p50_ms"] / written["p50_ms"],
            "ratio_to_replayed": page["p50_ms"] / replayed["p50_ms"],
            "hand_written_sql": hand[name],
        }
    return found


# -- the two databases ----------------------------------------------------------------


def instance_summary(
    loaded: large_instance.Loaded, schema_seconds: float, load_seconds: float
) -> dict:
    return {
        "households": len(loaded.counts) - 1,
        "transactions": loaded.transactions,
        "heavy_transactions": loaded.counts[large_instance.HEAVY]["transactions"],
        "counts": loaded.counts,
        "schema_seconds": schema_seconds,
        "load_seconds": load_seconds,
        "load_steps": loaded.seconds,
    }


def postgresql(size: large_instance.Size, result: dict) -> None:
    server_url = make_url(normalise_database_url(SERVER))
    suffix = secrets.token_hex(4)
    name, role, password = f"bench_e2e_{suffix}", f"bench_e2e_app_{suffix}", secrets.token_hex(16)
    admin = create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        server_version = connection.scalar(text("SHOW server_version"))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        connection.execute(
            text(
                f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"
                " NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
        )
    result["machine"] = report.machine(server_version)
    owner_url = server_url.set(database=name)
    app_url = owner_url.set(username=role, password=password)
    plain = lambda url: url.render_as_string(hide_password=False)  # noqa: E731
    env = {"HOMELEDGER_CONFIG": "production", "DATABASE_URL": plain(app_url), **secrets_env()}
    part = result["postgresql"] = {"database": name, "app_role": role}
    server = None
    try:
        say(f"PostgreSQL: {name}, the app as {role} (row-level security on)")
        schema = cli(
            "db", "upgrade", env={**env, "HOMELEDGER_OWNER_DATABASE_URL": plain(owner_url)}
        )
        started = time.perf_counter()
        owner = create_engine(plain(owner_url))
        loaded = large_instance.load(owner, size)
        part["instance"] = instance_summary(loaded, schema, time.perf_counter() - started)
        say(f"  loaded {loaded.transactions:,} rows in {part['instance']['load_seconds']:.1f} s")
        with owner.connect() as connection:
            member = (
                loaded.users.get(large_instance.household_names(size)[1:2][0])
                if size.households > 1
                else None
            )
            ids = {
                k: v
                for k, v in routes.sample_ids(connection, loaded.heavy, member).items()
                if v is not None
            }
            cursor = routes.deep_cursor(connection, loaded.heavy)
        owner.dispose()
        this_month = (size.today.year, size.today.month)
        app = InProcess(env, large_instance.HEAVY)
        cases, missing = routes.read_cases(app.app, ids, this_month, cursor)
        pages = result["pages"] = {
            c.label: {"url": c.url, "kind": c.kind, "method": c.method} for c in cases
        }
        result["not_measured"] = missing
        say(f"  counting statements of {len(cases)} pages and endpoints in-process")
        for case in cases:
            counted = app.request(case.method, case.url)
            pages[case.label]["statements"] = {
                "total": counted.statements,
                "settings": counted.settings,
                "status": counted.status,
            }

        port = serve.free_port()
        command, server_env, said = serve.gunicorn_command(port)
        log = Path(tempfile.gettempdir()) / f"bench_e2e_{suffix}_gunicorn.log"
        server = serve.Server(command, {**env, **server_env}, port, log)
        part["server"] = said
        part["ready_seconds"] = server.start()
        say(f"  {said}: ready in {part['ready_seconds']:.2f} s")
        client = serve.Client(port)
        client.sign_in(large_instance.HEAVY, large_instance.PASSWORD)
        measure_all(client, cases, REQUESTS, pages, "postgresql")
        say("  raw SQL of the heaviest pages")
        part["raw_sql"] = raw_sql_figures(
            app, plain(app_url).replace("+psycopg", ""), loaded.heavy, size.today, pages
        )
        say("  writes")
        for label, figures in writes(client, ids, size.today, REQUESTS).items():
            pages[label] = {
                "url": label,
                "kind": "api",
                "method": label.split()[0],
                "postgresql": figures,
            }
        say("  wrk")
        part["wrk"] = throughput(client, port)
        client.close()
        say(f"  importing a {IMPORT_ROWS:,}-row CSV through the API")
        part["import"] = import_over_http(port, server, size.today)
        server.stop()
        for label, counted in write_statements(app, ids, size.today).items():
            pages[label]["statements"] = counted
        app.close()
        say("  legacy migration")
        part["legacy"] = legacy_migration(
            plain(app_url), "legacy", "the app's role, row-level security on"
        )
    finally:
        if server is not None:
            server.stop()
        if KEEP:
            say(f"  kept database {name} (role {role})")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def sqlite(size: large_instance.Size, result: dict) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench_e2e_sqlite_"))
    url = f"sqlite:///{folder / 'homeledger.db'}"
    env = {"HOMELEDGER_CONFIG": "local", "DATABASE_URL": url, "HOMELEDGER_DATA_DIR": str(folder)}
    part = result["sqlite"] = {"file": str(folder / "homeledger.db")}
    server = None
    try:
        say(f"SQLite: {part['file']}")
        schema = cli("db", "upgrade", env=env)
        started = time.perf_counter()
        engine = create_engine(url)
        loaded = large_instance.load(engine, size)
        part["instance"] = instance_summary(loaded, schema, time.perf_counter() - started)
        part["instance"]["file_mb"] = round((folder / "homeledger.db").stat().st_size / 2**20, 1)
        say(f"  loaded {loaded.transactions:,} rows in {part['instance']['load_seconds']:.1f} s")
        with engine.connect() as connection:
            member = (
                loaded.users.get(large_instance.household_names(size)[1:2][0])
                if size.households > 1
                else None
            )
            ids = {
                k: v
                for k, v in routes.sample_ids(connection, loaded.heavy, member).items()
                if v is not None
            }
            cursor = routes.deep_cursor(connection, loaded.heavy)
        engine.dispose()
        port = serve.free_port()
        server = serve.Server(
            [str(BIN / "homeledger"), "run", "--port", str(port)], env, port, folder / "server.log"
        )
        part["server"] = "homeledger run (waitress, 8 threads), as local mode serves"
        part["ready_seconds"] = server.start()
        client = serve.Client(port)
        client.sign_in(large_instance.HEAVY, large_instance.PASSWORD)
        from homeledger import create_app
        from homeledger.config import TestConfig

        url_map_app = create_app(TestConfig(url))
        cases, _ = routes.read_cases(url_map_app, ids, (size.today.year, size.today.month), cursor)
        measure_all(client, cases, SQLITE_REQUESTS, result["pages"], "sqlite")
        client.close()
        server.stop()
        part["legacy"] = legacy_migration(url, "legacy", "local mode")
    finally:
        if server is not None:
            server.stop()
        if KEEP:
            say(f"  kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    started = time.perf_counter()
    today = date.today()
    result: dict = {
        "today": today.isoformat(),
        "knobs": {
            "rows_per_household": ROWS,
            "households": HOUSEHOLDS,
            "requests_per_page": REQUESTS,
            "sqlite_rows_per_household": SQLITE_ROWS,
            "sqlite_requests_per_page": SQLITE_REQUESTS,
            "import_rows": IMPORT_ROWS,
            "wrk_seconds": WRK_SECONDS,
        },
        "pages": {},
    }
    for name, run, rows in (("postgresql", postgresql, ROWS), ("sqlite", sqlite, SQLITE_ROWS)):
        if rows <= 0:
            result[name] = "skipped (rows set to 0)"
            continue
        try:
            run(large_instance.Size(rows=rows, households=HOUSEHOLDS, today=today), result)
        except Exception as exc:
            traceback.print_exc()
            result[name] = f"failed: {type(exc).__name__}: {exc}"
    result["seconds"] = time.perf_counter() - started
    result.setdefault("machine", report.machine(None))
    cases = [{"label": label, **case} for label, case in result["pages"].items()]
    print(report.table(cases))
    if result.get("not_measured"):
        print(
            "\nnot measured: " + "; ".join(f"{k} ({v})" for k, v in result["not_measured"].items())
        )
    print()
    print(report.summary(result))
    flagged = [c["label"] for c in cases if report.flags(c)]
    print(f"\n{len(flagged)} of {len(cases)} lines flagged against issue 19's targets.")
    report.write_json(result, OUT)
    print(f"Every figure: {OUT}  ({result['seconds'] / 60:.1f} min in all)")


if __name__ == "__main__":
    main()
