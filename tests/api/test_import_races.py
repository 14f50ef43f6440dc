"""Two uploads of the same file at the same moment: the database keeps each row once."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import Transaction
from homeledger.services import imports
from tests.conftest import api_login, bearer
from tests.factories import make_user

DATA = Path(__file__).parent.parent / "data"


def _csv_statement() -> tuple[str, bytes]:
    # Rows 0 and 1 are identical on purpose: two real coffees, both kept.
    rows = ["2024-03-01,PRET A MANGER,-3.20"] + [
        f"2024-{1 + n % 12:02d}-{1 + n % 28:02d},Shop {n},-{1 + n % 90}.{n % 100:02d}"
        for n in range(299)
    ]
    rows[1] = rows[0]
    return "statement.csv", ("Date,Description,Amount\n" + "\n".join(rows) + "\n").encode()


def _csv_with_new_names() -> tuple[str, bytes]:
    """Each upload would create the same new categories and owners."""
    rows = [
        f"2024-03-{1 + n % 28:02d},Shop {n},-{1 + n % 90}.{n % 100:02d},Hobby {n % 3},Kid {n % 2}"
        for n in range(300)
    ]
    content = "Date,Description,Amount,Category,Owner\n" + "\n".join(rows) + "\n"
    return "statement.csv", content.encode()


def _ofx_statement() -> tuple[str, bytes]:
    """300 rows with bank ids (FITID); every row looks alike, so only the ids tell them apart."""
    text = (DATA / "statement.ofx").read_text(encoding="cp1252")
    head, rest = text.split("<STMTTRN>", 1)
    tail = rest[rest.rindex("</STMTTRN>") + len("</STMTTRN>") :]
    rows = "".join(
        f"<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20240305\n<TRNAMT>-2.50\n"
        f"<FITID>RACE{n:04d}\n<NAME>Coffee\n</STMTTRN>\n"
        for n in range(300)
    )
    return "statement.ofx", (head + rows + tail).encode("cp1252")


@pytest.fixture
def planned_together(monkeypatch):
    """Hold each upload after its preview step until both have planned: the widest race.

    Both uploads then believe every row is new, and only the database can tell.
    """
    barrier = threading.Barrier(2, timeout=60)
    real_plan = imports.plan

    def plan_then_wait(*args, **kwargs):
        result = real_plan(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(imports, "plan", plan_then_wait)


@pytest.mark.parametrize(
    "statement",
    [_csv_statement, _csv_with_new_names, _ofx_statement],
    ids=["csv", "csv-new-names", "ofx"],
)
def test_two_simultaneous_imports_of_one_file_keep_each_row_once(
    app, session, planned_together, statement
):
    alex = make_user(session, "alex")
    clients = [app.test_client(), app.test_client()]
    tokens = [bearer(api_login(c, "alex").get_json()["access_token"]) for c in clients]
    name, content = statement()

    def upload(n: int):
        return clients[n].post(
            "/api/v1/imports",
            headers=tokens[n],
            data={"file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(upload, [0, 1]))

    assert [r.status_code for r in responses] == [201, 201], [r.get_json() for r in responses]
    batches = [r.get_json() for r in responses]
    assert sorted(b["row_count"] for b in batches) == [0, 300]
    assert [b["row_count"] + b["skipped_count"] for b in batches] == [300, 300]
    loser = min(batches, key=lambda b: b["row_count"])
    assert loser["summary"]["income"] == loser["summary"]["spending"] == "0.00"
    with tenancy.acting_as(session, alex.id):
        assert session.scalar(select(func.count(Transaction.id))) == 300
        assert session.scalar(select(func.count(func.distinct(Transaction.fingerprint)))) == 300
