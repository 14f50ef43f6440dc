"""Bringing a whole ledger back, or deleting it, writes nothing when it fails part-way:
"import my data" (an export file into a new account) and "delete all my data", through
the pages and the API, and the administrator's full restore (``homeledger restore``),
on both databases.

The failure is injected deep inside the service, after some of the rows were already
written (or deleted) in the database: every row of every table is then as it was, and
the answer is clear, without a trace of the cause.
"""

from __future__ import annotations

import io
import json
import sys

import pytest
from sqlalchemy import create_engine

from homeledger import cli, tenancy
from homeledger.models import Transaction
from homeledger.services import backup, ledger_delete, ledger_export, ledger_import
from tests.conftest import api_login, bearer, csrf_token_from, web_login
from tests.factories import make_user
from tests.faults.faults import (
    assert_clear_error,
    bug,
    changed_tables,
    database_fault,
    fail_after,
    snapshot,
)
from tests.services.ledger_data import fill_household

FAULTS = pytest.mark.parametrize(
    ("via", "fault"), [("web", bug), ("api", database_fault)], ids=["web-bug", "api-database"]
)


@pytest.fixture
def alex(session):
    """alex with a row in every ledger table, and kim's ledger beside it."""
    alex = make_user(session, "alex")
    fill_household(session, alex, demo=False)
    kim = make_user(session, "kim")
    fill_household(session, kim, demo=False)
    return alex


def _signed_in(app, username: str):
    web, api = app.test_client(), app.test_client()
    assert web_login(web, username).status_code == 302
    token = bearer(api_login(api, username).get_json()["access_token"])
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug is a 500, as in production
    return web, api, token


@FAULTS
def test_an_import_of_my_data_failing_part_way_writes_nothing(
    app, session, alex, monkeypatch, via, fault
):
    with tenancy.acting_as(session, alex.id):
        export = "".join(ledger_export.export_json(session, alex)).encode()
    session.rollback()
    make_user(session, "sam")  # new and empty: the import may go ahead
    web, api, token = _signed_in(app, "sam")
    # Stop right after the transactions went in (categories, owners and rules before them).
    broken = fail_after(
        ledger_import._insert, fault, when=lambda _s, model, _r: model is Transaction
    )
    monkeypatch.setattr(ledger_import, "_insert", broken)
    before = snapshot(session.get_bind())

    if via == "web":
        page = web.get("/settings/data").get_data(as_text=True)
        response = web.post(
            "/settings/data/import",
            data={"csrf_token": csrf_token_from(page), "file": (io.BytesIO(export), "e.json")},
            content_type="multipart/form-data",
        )
    else:
        response = api.post(
            "/api/v1/me/import",
            headers=token,
            data={"file": (io.BytesIO(export), "export.json")},
            content_type="multipart/form-data",
        )

    assert len(broken.results) > 3 and broken.results[-1]  # several tables were written
    assert_clear_error(response, fault)
    assert changed_tables(before, snapshot(session.get_bind())) == []


@FAULTS
def test_a_delete_all_failing_part_way_deletes_nothing(app, session, alex, monkeypatch, via, fault):
    web, api, token = _signed_in(app, "alex")
    # Every ledger table emptied and the deletion audited, then the new start fails.
    broken = fail_after(ledger_delete.seed_categories, fault)
    monkeypatch.setattr(ledger_delete, "seed_categories", broken)
    before = snapshot(session.get_bind())

    if via == "web":
        page = web.get("/settings/data/delete").get_data(as_text=True)
        response = web.post(
            "/settings/data/delete",
            data={"csrf_token": csrf_token_from(page), "confirm": "alex"},
        )
    else:
        response = api.post("/api/v1/me/delete-data", headers=token, json={"confirm": "alex"})

    assert len(broken.results) == 1
    assert_clear_error(response, fault)
    assert changed_tables(before, snapshot(session.get_bind())) == []


def test_a_full_restore_failing_part_way_leaves_the_database_empty(
    session, alex, second_db_url, tmp_path, monkeypatch, capsys
):
    """``homeledger restore`` into an empty database; the database goes away after the
    users, ledgers' categories and more were written: one line on stderr, exit 1, and the
    database as empty as it was (so the restore can simply be run again)."""
    file = tmp_path / "backup.json"
    file.write_text("".join(backup.write(session.get_bind())))
    assert json.loads(file.read_text())["tables"]["transactions"]
    broken = fail_after(
        backup._insert, database_fault, when=lambda _c, table, _r: table.name == "transactions"
    )
    monkeypatch.setattr(backup, "_insert", broken)
    for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", second_db_url)
    monkeypatch.setenv("HOMELEDGER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HOMELEDGER_CONFIG", "local")
    monkeypatch.setattr(sys, "argv", ["homeledger", "restore", str(file)])
    target = create_engine(second_db_url)
    before = snapshot(target)

    with pytest.raises(SystemExit) as exited:
        cli.main()

    assert exited.value.code == 1
    assert len(broken.results) > 3  # users, categories, owners and more went in first
    error = capsys.readouterr().err
    assert "cannot use the database" in error and len(error.strip().splitlines()) == 1
    assert "Traceback" not in error
    after = snapshot(target)
    assert [name for name in before if before[name] != after[name]] == []
    assert after["users"] == [] and after["category_seeds"]  # empty but for the seeds
    target.dispose()
