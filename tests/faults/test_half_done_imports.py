"""A file import that fails part-way writes nothing: a bank statement (CSV) and the old
desktop app's file (legacy migration), through the pages and the API, on both databases.

The failure is injected deep inside the service, after rows were already flushed to the
database: the database then holds exactly what it held before (every row of every
table), and the person gets a clear error without a trace of the cause. Two faults: the
database going away (503) and a bug (500).
"""

from __future__ import annotations

import io

import pytest

from homeledger.services import imports
from homeledger.services.legacy import plans
from tests.conftest import api_login, bearer, web_login
from tests.factories import add_transactions, make_user
from tests.faults.faults import (
    assert_clear_error,
    bug,
    changed_tables,
    database_fault,
    fail_after,
    snapshot,
)
from tests.legacy.test_upload_pages import _apply as web_apply
from tests.legacy.test_upload_pages import _upload as web_legacy_upload
from tests.legacy_sample import make_old_file
from tests.services.ledger_data import TODAY
from tests.web.test_import_pages import MARCH, _confirm, _upload

FAULTS = pytest.mark.parametrize(
    ("via", "fault"),
    [("web", bug), ("api", database_fault), ("web", database_fault), ("api", bug)],
    ids=["web-bug", "api-database", "web-database", "api-bug"],
)


@pytest.fixture
def signed_in(app, session):
    """alex with a transaction, and kim's ledger beside it; alex's web and API clients."""
    alex = make_user(session, "alex")
    add_transactions(session, alex, [(TODAY, "Before the fault", "-5.00", "Groceries")])
    kim = make_user(session, "kim")
    add_transactions(session, kim, [(TODAY, "Kim's", "-7.77", None)])
    web, api = app.test_client(), app.test_client()
    assert web_login(web).status_code == 302
    token = bearer(api_login(api).get_json()["access_token"])
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug is a 500, as in production
    return web, api, token


@FAULTS
def test_a_csv_import_failing_after_its_rows_went_in_writes_nothing(
    session, signed_in, monkeypatch, via, fault
):
    web, api, token = signed_in
    # Counting what the batch added runs once its rows are in.
    broken = fail_after(imports._batch_totals, fault)
    monkeypatch.setattr(imports, "_batch_totals", broken)
    if via == "web":
        preview = _upload(web, "march.csv", MARCH)
        assert preview.status_code == 200
        before = snapshot(session.get_bind())
        response = _confirm(web, preview.get_data(as_text=True))
    else:
        before = snapshot(session.get_bind())
        response = api.post(
            "/api/v1/imports",
            headers=token,
            data={"file": (io.BytesIO(MARCH), "march.csv")},
            content_type="multipart/form-data",
        )

    assert [added for added, _, _ in broken.results] == [4]  # the rows were in when it failed
    assert_clear_error(response, fault)
    assert changed_tables(before, snapshot(session.get_bind())) == []


@pytest.fixture(scope="module")
def old_file(tmp_path_factory) -> bytes:
    return make_old_file(tmp_path_factory.mktemp("legacy-fault"), transactions=100)[0]


@pytest.mark.parametrize(
    ("via", "fault"), [("web", bug), ("api", database_fault)], ids=["web-bug", "api-database"]
)
def test_a_legacy_migration_failing_part_way_writes_nothing(
    session, signed_in, old_file, monkeypatch, via, fault
):
    web, api, token = signed_in
    if via == "web":
        uploaded = web_legacy_upload(web, old_file)
        assert uploaded.status_code == 302
        upload_id = int(uploaded.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    else:
        uploaded = api.post(
            "/api/v1/legacy-uploads",
            headers=token,
            data={"file": (io.BytesIO(old_file), "personal_finance.db")},
            content_type="multipart/form-data",
        )
        assert uploaded.status_code == 201, uploaded.get_json()
        upload_id = uploaded.get_json()["id"]
    # After the transactions and the categories and owners they need went in.
    broken = fail_after(plans.migrate_plans, fault)
    monkeypatch.setattr(plans, "migrate_plans", broken)
    before = snapshot(session.get_bind())

    if via == "web":
        response = web_apply(web, upload_id)
    else:
        response = api.post(f"/api/v1/legacy-uploads/{upload_id}/apply", headers=token)

    assert len(broken.results) == 1
    assert_clear_error(response, fault)
    assert changed_tables(before, snapshot(session.get_bind())) == []
