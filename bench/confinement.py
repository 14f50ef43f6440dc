"""What confining every statement to the ledger costs a page. Prints figures; exits 0.

    python bench/confinement.py                    # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres \
        python bench/confinement.py

The demo household topped up to BENCH_ROWS transactions (100,000 by default), beside
another ledger as big. Each page is served in-process (the Flask test client), 30 times
after a warm-up, two ways: as the app runs (a confined template per statement shape,
confinement.py) and with every statement's tree copied, as before templates. The time
spent confining (inside ``confinement.confined_select``, its cache-key lookup included)
is summed per request and set against the request's whole time: the share is of the
medians. Both are wall-clock times, so a busy machine moves them together.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from contextlib import contextmanager
from datetime import date

from bench_databases import (
    five_years_of_rows,
    insert_transactions,
    new_ledger,
    run_everywhere,
    signed_in_client,
)

from homeledger import confinement, create_app, tenancy
from homeledger.config import TestConfig
from homeledger.demo import build_demo_household
from homeledger.extensions import db
from homeledger.migrate import upgrade

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
REQUESTS = 30
PAGES = ["/", "/transactions", "/analytics", "/budgets", "/api/v1/transactions"]


@contextmanager
def _confinement(way: str, spent: list[float]):
    """``templates`` (as the app runs) or ``copied`` (every time); the time spent inside
    is added to ``spent[0]``."""
    original = confinement.confined_select

    def copied(statement, ledger, option_for, cached):
        return confinement.copy_confined(statement, ledger).options(option_for(ledger))

    confine = original if way == "templates" else copied

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return confine(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    confinement.confined_select = timed
    try:
        yield
    finally:
        confinement.confined_select = original


def _medians_ms(client, url: str, headers: dict, way: str) -> tuple[float, float]:
    """Medians of (the whole request, the confining in it), in milliseconds."""
    spent = [0.0]
    totals, confining = [], []
    with _confinement(way, spent):
        for _ in range(3):
            client.get(url, headers=headers)
        for _ in range(REQUESTS):
            spent[0] = 0.0
            started = time.perf_counter()
            client.get(url, headers=headers)
            totals.append(time.perf_counter() - started)
            confining.append(spent[0])
    return statistics.median(totals) * 1000, statistics.median(confining) * 1000


def run(url: str, label: str) -> None:
    app = create_app(TestConfig(url))
    with app.app_context():
        with db.engine.begin() as connection:
            upgrade(connection)
        rng = random.Random(1)
        new_ledger(db.session, "other")
        insert_transactions(db.session, five_years_of_rows(rng, ROWS, date.today()))
        new_ledger(db.session, "bench")
        build_demo_household(db.session, seed=2024, years=5)
        db.session.commit()
        insert_transactions(db.session, five_years_of_rows(rng, ROWS, date.today()))
        tenancy.set_ledger(db.session, None)
        db.session.remove()
    client, bearer = signed_in_client(app, "bench")
    print(f"{label}: {ROWS:,} transactions beside {ROWS:,}; median of {REQUESTS} requests")
    print(f"  {'page':<24} {'request':>9} {'confining':>10} {'share':>6}   tree copied every time")
    for page in PAGES:
        headers = bearer if page.startswith("/api/") else {}
        total, confining = _medians_ms(client, page, headers, "templates")
        total_before, confining_before = _medians_ms(client, page, headers, "copied")
        print(
            f"  {page:<24} {total:7.1f}ms {confining:8.1f}ms {confining / total:6.1%}   "
            f"{total_before:.1f} ms, of it {confining_before:.1f} ms confining "
            f"({confining_before / total_before:.1%})"
        )
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    run_everywhere(run)
