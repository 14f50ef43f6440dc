"""The settings hub and the saved import mappings page, as a person uses them: each field
saved and shown, bad input refused naming the field with nothing saved, the month start day
changing what a budgeting month is, and a saved mapping deleted only after the question."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import AuditLog, ImportProfile, User, UserSettings
from homeledger.services import import_profiles
from homeledger.services.importing import CsvMapping
from tests.conftest import csrf_token_from
from tests.factories import make_user

FIELDS = {
    "display_name": "Alex",
    "email": "alex@example.com",
    "currency": "USD",
    "month_start_day": "1",
    "locale": "en",
}


@pytest.fixture
def alex(session):
    return make_user(session, "alex", email="alex@example.com", display_name="Alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _html(response) -> str:
    return unescape(response.get_data(as_text=True))


def _save(client, **changes):
    page = client.get("/settings")
    data = {**FIELDS, **changes, "csrf_token": csrf_token_from(page.get_data(as_text=True))}
    return client.post("/settings", data=data)


def _settings(session, user_id: int) -> tuple:
    session.expire_all()
    user = session.get(User, user_id)
    with tenancy.acting_as(session, user_id):
        row = session.scalars(select(UserSettings)).one()
        return (user.display_name, user.email, row.currency, row.month_start_day, row.locale)


def _selected(html: str, name: str) -> str:
    menu = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', menu).group(1)


# --- the way in ------------------------------------------------------------------------------


def test_the_menus_settings_entry_leads_to_the_hub(signed_in):
    html = _html(signed_in.get("/"))
    assert re.search(r'<a href="/settings"[^>]*>Settings</a>', html)
    hub = _html(signed_in.get("/settings"))
    assert re.search(r'<a href="/settings" aria-current="page"[^>]*>Settings</a>', hub)


def test_the_old_account_page_leads_to_the_hub(signed_in):
    response = signed_in.get("/account")
    assert response.status_code == 302 and response.headers["Location"] == "/settings"


def test_the_hub_says_who_you_are_and_leads_everywhere_settings_live(signed_in):
    html = _html(signed_in.get("/settings"))
    assert "Signed in as</dt><dd>alex<" in html and "Household member" in html
    for path in (
        "/account/password",
        "/settings/owners",
        "/settings/categories",
        "/settings/rules",
        "/settings/mappings",
    ):
        assert f'href="{path}"' in html, path
    assert 'value="alex@example.com"' in html and 'value="Alex"' in html


@pytest.mark.parametrize(
    "path", ["/settings/owners", "/settings/categories", "/settings/rules", "/settings/mappings"]
)
def test_every_settings_page_leads_back_to_the_hub(signed_in, path):
    html = _html(signed_in.get(path))
    nav = re.search(r'<nav class="subnav settings-tabs".*?</nav>', html, re.S).group(0)
    assert 'href="/settings">Settings</a>' in nav


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/settings", "/settings/mappings", "/settings/mappings/1/delete"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the profile form ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "sent", "stored"),
    [
        ("display_name", "Alex Kowalski", ("Alex Kowalski", 0)),
        ("display_name", "", (None, 0)),
        ("email", "alex.k@example.org", ("alex.k@example.org", 1)),
        ("email", "", (None, 1)),
        ("currency", "EUR", ("EUR", 2)),
        ("month_start_day", "25", (25, 3)),
        ("locale", "de", ("de", 4)),
    ],
)
def test_each_field_is_saved_and_shown(session, signed_in, alex, field, sent, stored):
    response = _save(signed_in, **{field: sent})
    assert response.status_code == 302 and response.headers["Location"] == "/settings"
    value, index = stored
    assert _settings(session, alex.id)[index] == value
    html = _html(signed_in.get("/settings"))
    assert "Your settings are saved." in html
    if field in ("currency", "month_start_day", "locale"):
        assert _selected(html, field) == sent
    else:
        assert (
            f'name="{field}" type="{"email" if field == "email" else "text"}" value="{sent}"'
            in html
        )


def test_the_saved_name_and_date_format_show_on_other_pages(session, signed_in, alex):
    _save(signed_in, display_name="Alexandra", locale="de")
    with tenancy.acting_as(session, alex.id):
        assert session.scalars(select(UserSettings.locale)).one() == "de"
    html = _html(signed_in.get("/settings"))
    assert 'data-testid="signed-in-as">Alexandra<' in html
    # The month shown next to the start day is written the German way (dd.mm.yyyy).
    note = re.search(r'data-testid="month-start-note">(.*?)</p>', html, re.S).group(1)
    assert re.search(r"\d\d\.\d\d\.\d{4}", note)


def test_each_date_format_is_offered_with_an_example(signed_in, app):
    app.config["TODAY"] = date(2026, 3, 2)
    html = _html(signed_in.get("/settings"))
    assert '<option value="en-US">Mar 15, 2026 — English (United States)</option>' in html
    assert '<option value="de">15.03.2026 — German</option>' in html
    assert '<option selected value="en">15 Mar 2026 — English</option>' in html


def test_the_month_start_day_says_what_changing_it_means(signed_in, app):
    app.config["TODAY"] = date(2026, 3, 20)
    html = _html(signed_in.get("/settings"))
    note = re.search(r'data-testid="month-start-note">(.*?)</p>', html, re.S).group(1)
    assert "This budgeting month runs 1 Mar 2026 \u2013 31 Mar 2026" in note
    assert "changes what every budgeting month means" in note


def test_a_new_month_start_day_moves_the_budgets_month(session, signed_in, alex, app):
    assert "1 Mar 2026 \u2013 31 Mar 2026" in _html(signed_in.get("/budgets?month=2026-03"))
    response = _save(signed_in, month_start_day="15")
    assert response.status_code == 302
    page = _html(signed_in.get("/settings"))
    assert "Budgeting months now start on day 15." in page
    assert "15 Mar 2026 \u2013 14 Apr 2026" in _html(signed_in.get("/budgets?month=2026-03"))


@pytest.mark.parametrize(
    ("field", "sent"),
    [
        ("display_name", "x" * 101),
        ("display_name", "tab\there"),
        ("email", "alex-at-example"),
        ("currency", "XYZ"),
        ("currency", ""),
        ("month_start_day", "29"),
        ("month_start_day", "0"),
        ("month_start_day", "first"),
        ("locale", "tlh"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    session, signed_in, alex, field, sent
):
    before = _settings(session, alex.id)
    # A good change sent with the bad one is not saved either.
    good = {"currency": "EUR"} if field != "currency" else {"locale": "de"}
    response = _save(signed_in, **good, **{field: sent})
    assert response.status_code == 400
    html = _html(response)
    assert re.search(rf'id="{field}-error" class="field-error">[^<]+<', html), html
    assert _settings(session, alex.id) == before


def test_every_bad_field_is_named_at_once(session, signed_in, alex):
    before = _settings(session, alex.id)
    response = _save(signed_in, email="nope", currency="XYZ", month_start_day="31", locale="tlh")
    assert response.status_code == 400
    html = _html(response)
    for field in ("email", "currency", "month_start_day", "locale"):
        assert f'id="{field}-error"' in html, field
    assert _settings(session, alex.id) == before


def test_an_email_another_account_uses_is_refused(session, signed_in, alex):
    make_user(session, "sam", email="sam@example.com")
    response = _save(signed_in, email="Sam@Example.com", currency="EUR")
    assert response.status_code == 400
    assert "Is already used by another account." in _html(response)
    assert _settings(session, alex.id)[1:3] == ("alex@example.com", "USD")


def test_saving_is_audited_by_field_names(session, signed_in, alex):
    _save(signed_in, currency="EUR", email="alex2@example.com")
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "settings.update")).one()
    assert entry.extra_data == {"fields": ["currency", "email"]}


def test_a_post_without_the_csrf_token_changes_nothing(session, signed_in, alex):
    before = _settings(session, alex.id)
    response = signed_in.post("/settings", data={**FIELDS, "currency": "EUR"})
    assert response.status_code == 400
    assert _settings(session, alex.id) == before


# --- saved import mappings -------------------------------------------------------------------


@pytest.fixture
def mapping(session, alex) -> int:
    with tenancy.acting_as(session, alex.id):
        saved = import_profiles.save_profile(
            session,
            "Sparkasse",
            CsvMapping(
                date="Buchungstag",
                description="Verwendungszweck",
                amount="Betrag",
                date_format="dmy",
                decimal_separator=",",
            ),
        )
        session.commit()
        return saved.id


def test_with_no_mappings_the_page_says_where_they_come_from(signed_in):
    html = _html(signed_in.get("/settings/mappings"))
    assert "No saved mappings yet" in html and "Save this mapping as" in html
    assert 'href="/imports"' in html


def test_a_saved_mapping_is_listed_in_words(signed_in, mapping):
    html = _html(signed_in.get("/settings/mappings"))
    assert '<td class="lead" data-label="Name">Sparkasse</td>' in html
    assert "Date: “Buchungstag”, written DD/MM/YYYY" in html
    assert "Amount: “Betrag”, with a decimal comma" in html
    assert f'href="/settings/mappings/{mapping}/delete"' in html


def test_deleting_a_mapping_asks_first_then_forgets_it(session, signed_in, alex, mapping):
    question = signed_in.get(f"/settings/mappings/{mapping}/delete")
    html = _html(question)
    assert question.status_code == 200
    assert "Delete the mapping “Sparkasse”?" in html
    assert "Transactions already imported with it stay as they are" in html
    token = csrf_token_from(html)
    # A post that did not carry the question's answer deletes nothing.
    skipped = signed_in.post(f"/settings/mappings/{mapping}/delete", data={"csrf_token": token})
    assert skipped.status_code == 400
    with tenancy.acting_as(session, alex.id):
        assert session.scalars(select(ImportProfile.id)).all() == [mapping]
    done = signed_in.post(
        f"/settings/mappings/{mapping}/delete", data={"csrf_token": token, "confirm": mapping}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/settings/mappings"
    page = _html(signed_in.get("/settings/mappings"))
    assert "Deleted the mapping “Sparkasse”" in page and "No saved mappings yet" in page
    session.expire_all()
    with tenancy.acting_as(session, alex.id):
        assert session.scalars(select(ImportProfile.id)).all() == []


def test_another_persons_mapping_is_not_found(session, client, auth, alex, mapping):
    make_user(session, "sam")
    auth.login("sam")
    assert client.get(f"/settings/mappings/{mapping}/delete").status_code == 404
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    gone = client.post(
        f"/settings/mappings/{mapping}/delete", data={"csrf_token": token, "confirm": mapping}
    )
    assert gone.status_code == 404
    assert "Sparkasse" not in _html(client.get("/settings/mappings"))
    with tenancy.acting_as(session, alex.id):
        assert session.scalars(select(ImportProfile.id)).all() == [mapping]
