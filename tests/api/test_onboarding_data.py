"""The wizard's data step over the API: each choice walked, import and the old desktop file
open only while the wizard is at this step, the sample in the person's own currency."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import User, UserSettings
from tests.conftest import api_login, bearer
from tests.factories import add_transactions, make_user
from tests.legacy_sample import make_old_file

TODAY = date(2026, 11, 26)
CSV = b"Date,Description,Amount\n2026-10-01,SALARY,2450.00\n2026-10-03,TESCO,-42.17\n"


@pytest.fixture(scope="module")
def old_file(tmp_path_factory) -> tuple[bytes, dict]:
    return make_old_file(tmp_path_factory.mktemp("legacy"))


def at_step(session, client, step: str, username: str = "alex") -> dict[str, str]:
    """A new user whose wizard is at ``step``, signed in through the API."""
    user = make_user(session, username, onboarded=False)
    user.onboarding_step = step
    session.commit()
    return bearer(api_login(client, username).get_json()["access_token"])


@pytest.fixture
def alex(app, session, client):
    app.config["TODAY"] = TODAY
    return at_step(session, client, "data")


def _file(client, headers, path: str, name: str, content: bytes):
    data = {"file": (io.BytesIO(content), name)}
    return client.post(path, headers=headers, data=data, content_type="multipart/form-data")


def _put(client, headers, choice):
    return client.put("/api/v1/onboarding/data", headers=headers, json={"choice": choice})


def _step(client, headers) -> str:
    return client.get("/api/v1/onboarding", headers=headers).get_json()["onboarding_step"]


def _user(session, username: str = "alex") -> User:
    session.expire_all()
    return session.scalars(select(User).where(User.username == username)).one()


def test_the_step_shows_the_choices_and_an_empty_ledger(client, alex):
    answer = client.get("/api/v1/onboarding/data", headers=alex)

    assert answer.status_code == 200
    assert answer.get_json() == {
        "choice": None,
        "choices": ["import", "legacy", "sample", "empty"],
        "transactions": 0,
        "first_date": None,
        "last_date": None,
        "imports": 0,
        "legacy_uploads_applied": 0,
    }


def test_start_empty_goes_on_to_the_budget(client, alex):
    saved = _put(client, alex, "empty")

    assert saved.status_code == 200
    assert saved.get_json() == {"saved": "data", "next_step": "budget", "onboarding_step": "budget"}
    # Back to the step: it says what was chosen.
    assert client.get("/api/v1/onboarding/data", headers=alex).get_json()["choice"] == "empty"


@pytest.mark.parametrize("choice", ["file", "", None, 4])
def test_an_unknown_choice_is_refused_naming_it(client, alex, choice):
    refused = _put(client, alex, choice)

    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"choice"}
    assert _step(client, alex) == "data"


def test_import_is_refused_until_an_import_brought_rows_in(client, alex):
    refused = _put(client, alex, "import")
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert (error["code"], error["fields"]) == (
        "validation_error",
        {"choice": "import a file first"},
    )
    assert _step(client, alex) == "data"

    # The import endpoints are open while the wizard is at this step.
    preview = _file(client, alex, "/api/v1/imports/preview", "october.csv", CSV)
    assert preview.status_code == 200
    imported = _file(client, alex, "/api/v1/imports", "october.csv", CSV)
    assert imported.status_code == 201
    shown = client.get("/api/v1/onboarding/data", headers=alex).get_json()
    assert shown["choice"] == "import"
    assert (shown["transactions"], shown["imports"]) == (2, 1)
    assert (shown["first_date"], shown["last_date"]) == ("2026-10-01", "2026-10-03")

    saved = _put(client, alex, "import")
    assert saved.status_code == 200
    assert saved.get_json()["next_step"] == "budget"
    # Past the data step the import endpoints stay open (the app may go back to the
    # step); the rest of the ledger waits for the wizard to finish.
    assert client.get("/api/v1/imports", headers=alex).status_code == 200
    closed = client.get("/api/v1/transactions", headers=alex)
    assert closed.status_code == 403
    assert closed.get_json()["error"]["code"] == "onboarding_required"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/imports"),
        ("POST", "/api/v1/imports"),
        ("POST", "/api/v1/imports/preview"),
        ("GET", "/api/v1/legacy-uploads"),
        ("POST", "/api/v1/legacy-uploads"),
    ],
)
def test_getting_data_in_is_closed_before_the_data_step(session, client, method, path):
    headers = at_step(session, client, "profile")
    answer = client.open(path, method=method, headers=headers)

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "onboarding_required"


def test_the_step_is_not_open_before_it_is_reached(session, client):
    headers = at_step(session, client, "categories")

    for answer in (
        client.get("/api/v1/onboarding/data", headers=headers),
        _put(client, headers, "empty"),
    ):
        assert answer.status_code == 409
        assert answer.get_json()["error"]["code"] == "step_not_reached"
    assert _step(client, headers) == "categories"


def test_sample_data_keeps_the_currency_and_skips_the_budget_it_brings(session, client, alex):
    with tenancy.acting_as(session, _user(session).id):
        row = session.scalars(select(UserSettings)).one()
        row.currency, row.month_start_day = "NZD", 20
        session.commit()

    saved = _put(client, alex, "sample")

    assert saved.status_code == 200
    # The sample household has budgets, so the budget step is skipped.
    assert saved.get_json()["next_step"] == "complete"
    shown = client.get("/api/v1/onboarding/data", headers=alex).get_json()
    assert shown["choice"] == "sample"
    assert shown["transactions"] > 500 and shown["last_date"] <= TODAY.isoformat()
    finished = client.post("/api/v1/onboarding/complete", headers=alex)
    assert finished.status_code == 200
    settings = client.get("/api/v1/me/settings", headers=alex).get_json()
    assert (settings["currency"], settings["month_start_day"]) == ("NZD", 20)


def test_sample_data_is_refused_into_a_ledger_with_transactions(session, client, alex):
    add_transactions(session, _user(session), [(TODAY, "Coffee", "-3.50", None)])

    refused = _put(client, alex, "sample")

    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "choice": "the ledger already has transactions"
    }
    assert client.get("/api/v1/onboarding/data", headers=alex).get_json()["transactions"] == 1
    assert _step(client, alex) == "data"


def test_the_old_desktop_file_inside_the_wizard(client, alex, old_file):
    data, manifest = old_file
    refused = _put(client, alex, "legacy")
    assert refused.status_code == 422
    assert "old desktop file" in refused.get_json()["error"]["fields"]["choice"]

    uploaded = _file(client, alex, "/api/v1/legacy-uploads", "personal_finance.db", data)
    assert uploaded.status_code == 201
    upload = uploaded.get_json()
    assert upload["applied_at"] is None and upload["transactions_to_write"] > 0
    # Only checked: nothing is in the ledger yet, so the choice is still refused.
    assert client.get("/api/v1/onboarding/data", headers=alex).get_json()["transactions"] == 0
    assert _put(client, alex, "legacy").status_code == 422

    applied = client.post(f"/api/v1/legacy-uploads/{upload['id']}/apply", headers=alex)
    assert applied.status_code == 200
    shown = client.get("/api/v1/onboarding/data", headers=alex).get_json()
    assert shown["legacy_uploads_applied"] == 1 and shown["choice"] == "legacy"
    assert shown["transactions"] == upload["transactions_to_write"]

    saved = _put(client, alex, "legacy")
    assert saved.status_code == 200
    # The old file brought budgets: the budget step is skipped, the wizard can finish.
    assert saved.get_json() == {
        "saved": "data",
        "next_step": "complete",
        "onboarding_step": "complete",
    }
    assert client.post("/api/v1/onboarding/complete", headers=alex).status_code == 200
    settings = client.get("/api/v1/me/settings", headers=alex).get_json()
    assert settings["currency"] == manifest["currency"]
