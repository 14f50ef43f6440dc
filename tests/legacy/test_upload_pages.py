"""The old desktop file from settings: upload and dry run, apply, reports kept, guards."""

from __future__ import annotations

import io
import re
import sqlite3
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import AuditLog, ImportBatch, LegacyUpload, Transaction
from tests.conftest import csrf_token_from
from tests.factories import make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def old_file(samples) -> tuple[bytes, dict]:
    path, manifest = samples["small-23"]
    return path.read_bytes(), manifest


def _upload(client, data: bytes, name: str = "personal_finance.db"):
    token = csrf_token_from(client.get("/settings/legacy").get_data(as_text=True))
    return client.post(
        "/settings/legacy",
        data={"file": (io.BytesIO(data), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


def _apply(client, upload_id: int, **override):
    page = client.get(f"/settings/legacy/{upload_id}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(confirm(?:_count)?)" type="hidden" value="([^"]*)"', page))
    return client.post(
        f"/settings/legacy/{upload_id}/apply",
        data={"csrf_token": csrf_token_from(page), **fields, **override},
    )


def _ledger(session, user) -> list[Transaction]:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(Transaction)))


def _uploads(session, user) -> list[LegacyUpload]:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(LegacyUpload)))


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_an_upload_shows_the_dry_run_and_brings_nothing_in(session, client, auth, alex, old_file):
    data, manifest = old_file
    auth.login("alex")

    response = _upload(client, data)

    assert response.status_code == 302
    upload_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nothing is in your ledger yet" in html and "Bring these rows in" in html
    assert "The totals match to the cent." in html
    # Every row it cannot take is named with its old id.
    skipped = [d["id"] for d in manifest["dirty"] if d["kind"] in ("amount_unparseable",)]
    assert skipped and all(f"#{legacy_id}<" in html for legacy_id in skipped)
    assert _ledger(session, alex) == []
    [kept] = _uploads(session, alex)
    assert kept.id == upload_id and kept.data == data and kept.applied_at is None
    assert kept.dry_run_report["source"] == "personal_finance.db"
    assert kept.dry_run_report["income_after"] == manifest["parseable_amount_sum"]["income"]
    assert "legacy.upload" in _actions(session)


def test_apply_brings_in_what_the_report_said(session, client, auth, alex, old_file):
    data, manifest = old_file
    auth.login("alex")
    upload_id = int(_upload(client, data).headers["Location"].rsplit("/", 1)[1])
    dry_run = _uploads(session, alex)[0].dry_run_report

    response = _apply(client, upload_id)

    assert response.status_code == 302
    rows = _ledger(session, alex)
    assert len(rows) == dry_run["counts"]["transactions"]["written"]
    income = sum((r.amount for r in rows if r.amount > 0), Decimal(0))
    spending = -sum((r.amount for r in rows if r.amount < 0), Decimal(0))
    assert income == Decimal(dry_run["income_after"]) + Decimal(dry_run["flagged_income"])
    assert spending == Decimal(dry_run["expense_after"]) + Decimal(dry_run["flagged_expense"])
    [kept] = _uploads(session, alex)
    assert kept.applied_at is not None and kept.data is None
    assert kept.applied_report["income_after"] == manifest["parseable_amount_sum"]["income"]
    assert kept.applied_report["counts"]["transactions"]["written"] == len(rows)
    assert "legacy.apply" in _actions(session)
    with tenancy.acting_as(session, alex.id):
        batch = session.scalars(select(ImportBatch)).one()
    assert batch.filename == "personal_finance.db" and batch.row_count == len(rows)
    # The report stays readable, and the list links to it.
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Brought in on" in html and "Bring these rows in" not in html
    listing = client.get("/settings/legacy").get_data(as_text=True)
    assert f'href="/settings/legacy/{upload_id}"' in listing and "Brought in" in listing


def test_applying_twice_adds_nothing(session, client, auth, alex, old_file):
    auth.login("alex")
    upload_id = int(_upload(client, old_file[0]).headers["Location"].rsplit("/", 1)[1])
    _apply(client, upload_id)
    count = len(_ledger(session, alex))

    again = client.post(
        f"/settings/legacy/{upload_id}/apply",
        data={
            "csrf_token": csrf_token_from(client.get("/settings/legacy").get_data(as_text=True)),
            "confirm": str(upload_id),
            "confirm_count": "0",
        },
    )

    assert again.status_code == 409
    assert "already brought in" in again.get_data(as_text=True)
    assert len(_ledger(session, alex)) == count
    # The same file uploaded again says so, and applying it adds nothing either.
    second = int(_upload(client, old_file[0]).headers["Location"].rsplit("/", 1)[1])
    assert "already brought into your ledger" in client.get(f"/settings/legacy/{second}").get_data(
        as_text=True
    )
    assert _apply(client, second).status_code == 302
    assert len(_ledger(session, alex)) == count


def test_apply_needs_the_report_pages_answer(session, client, auth, alex, old_file):
    auth.login("alex")
    upload_id = int(_upload(client, old_file[0]).headers["Location"].rsplit("/", 1)[1])

    response = _apply(client, upload_id, confirm_count="1")

    assert response.status_code == 400
    assert "Confirm the import on this page first." in response.get_data(as_text=True)
    assert _ledger(session, alex) == []


def test_another_person_cannot_see_or_apply_your_upload(session, client, auth, alex, old_file):
    auth.login("alex")
    upload_id = int(_upload(client, old_file[0]).headers["Location"].rsplit("/", 1)[1])
    auth.logout()
    sam = make_user(session, "sam")
    auth.login("sam")
    token = csrf_token_from(client.get("/settings/legacy").get_data(as_text=True))

    seen = client.get(f"/settings/legacy/{upload_id}")
    applied = client.post(
        f"/settings/legacy/{upload_id}/apply",
        data={"csrf_token": token, "confirm": str(upload_id), "confirm_count": "1"},
    )
    listing = client.get("/settings/legacy").get_data(as_text=True)

    assert seen.status_code == 404 and applied.status_code == 404
    assert f"/settings/legacy/{upload_id}" not in listing
    assert _ledger(session, sam) == [] and _ledger(session, alex) == []
    assert _uploads(session, alex)[0].applied_at is None


def _foreign_sqlite(tmp_path) -> bytes:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text", "is not a SQLite database"),
        ("foreign", "is not a personal_finance.db from the old app"),
        ("empty", "The file is empty."),
    ],
)
def test_a_file_that_is_not_the_old_apps_is_400_and_kept_nowhere(
    session, client, auth, alex, tmp_path, kind, message
):
    data = {"text": b"Date,Amount\n2024-01-01,3\n", "foreign": _foreign_sqlite(tmp_path)}
    auth.login("alex")

    response = _upload(client, data.get(kind, b""))

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _uploads(session, alex) == []
    assert "legacy.upload" not in _actions(session)


def test_a_file_over_the_size_limit_is_413(app, session, client, auth, alex, old_file):
    auth.login("alex")
    page = client.get("/settings/legacy").get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 10_000

    response = client.post(
        "/settings/legacy",
        data={"file": (io.BytesIO(old_file[0]), "big.db"), "csrf_token": csrf_token_from(page)},
        content_type="multipart/form-data",
    )

    assert response.status_code == 413
    assert _uploads(session, alex) == []


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/settings/legacy")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_uploaded_name_is_kept_without_its_folders(session, client, auth, alex, old_file):
    auth.login("alex")
    _upload(client, old_file[0], name="../../etc/passwd\x00.db")

    [kept] = _uploads(session, alex)
    assert kept.filename == "passwd.db"
