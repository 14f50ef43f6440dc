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
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path

import large_instance
import raw_sql
import report
import routes
import serve
from in_process import InProcess
from sqlalchemy import create_engine, make_url, text
from workloads import (
    import_over_http,
    legacy_migration,
    measure_all,
    say,
    throughput,
    write_statements,
    writes,
)

from homeledger.config import normalise_database_url

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
BIN = Path(sys.executable).parent


def _heavy_ids(connection, loaded, size) -> tuple[dict, str]:
    """The heavy household's ids for the URL map's variables, and a keyset cursor deep
    in its transactions list."""
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
    return ids, routes.deep_cursor(connection, loaded.heavy)


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
            ids, cursor = _heavy_ids(connection, loaded, size)
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
        part["wrk"] = throughput(client, port, WRK_SECONDS)
        client.close()
        say(f"  importing a {IMPORT_ROWS:,}-row CSV through the API")
        part["import"] = import_over_http(port, server, size.today, IMPORT_ROWS)
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
            ids, cursor = _heavy_ids(connection, loaded, size)
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
