"""The wizard's first three pages as a person uses them: each is filled in as shown and
saved with Continue, leading to the next; earlier pages open again and lead forward; a page
not reached yet leads back to the one the person is at; once done, the overview; and each
bad field is marked on the page (400) with nothing saved and the wizard where it was."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from homeledger import tenancy
from homeledger.models import Owner
from homeledger.services import categories
from tests.conftest import AuthActions, csrf_token_from
from tests.factories import make_user
from tests.household_steps import SEED_NAMES, ids, ledger, new_user, spend


class _Form(HTMLParser):
    """The fields a browser would submit from the page's form (as shown), and the labels
    of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.labelled: set[str] = set()
        self.inputs: list[str] = []
        self._select: str | None = None
        self._in_label = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") not in ("hidden", "submit"):
                self.inputs.append(a.get("id", ""))
                if a.get("aria-label") or self._in_label:
                    self.labelled.add(a.get("id", ""))
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "y")
            elif a.get("type") != "submit":
                self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.inputs.append(a.get("id", ""))
            if a.get("aria-label"):
                self.labelled.add(a.get("id", ""))
        elif tag == "option" and self._select and ("selected" in a):
            self.values[self._select] = a.get("value", "")
        elif tag == "label":
            self._in_label = True  # an input inside is labelled by it
            if a.get("for"):
                self.labelled.add(a["for"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "label":
            self._in_label = False


def _form(response) -> _Form:
    parsed = _Form()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def _rows(values: dict[str, str], what: str = "name") -> dict[int, str]:
    return {
        int(key.split("-")[1]): value
        for key, value in values.items()
        if key.startswith("rows-") and key.endswith(f"-{what}")
    }


def _html(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def sam(session, client, auth):
    user = new_user(session)
    auth.login("sam")
    return user


def _at(session, user, step: str) -> None:
    user = session.merge(user)
    user.onboarding_step = step
    session.commit()


@pytest.fixture
def walk_client(app):
    return app.test_client()


def test_a_new_user_fills_in_the_three_pages(session, walk_client):
    client = walk_client
    sam = new_user(session)
    AuthActions(client).login("sam")
    assert client.get("/welcome").headers["Location"].endswith("/welcome/profile")
    page = client.get("/welcome/profile")
    assert page.status_code == 200
    assert "Continue" in _html(page) and "the month called October runs" in _html(page)
    fields = _form(page)
    assert fields.values["currency"] == "USD" and fields.values["month_start_day"] == "1"
    assert set(fields.inputs) <= fields.labelled  # every input has its label

    saved = client.post(
        "/welcome/profile",
        data={**fields.values, "display_name": "Sam", "currency": "GBP", "month_start_day": "25"},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/welcome/owners")
    assert ledger(session, sam.id)["profile"] == ("Sam", "GBP", 25)

    page = client.get("/welcome/owners")
    fields = _form(page)
    assert list(_rows(fields.values).values())[:2] == ["Me", "Joint"]  # the suggestions
    assert set(fields.inputs) <= fields.labelled
    blank = [i for i, name in _rows(fields.values).items() if not name]
    saved = client.post("/welcome/owners", data={**fields.values, f"rows-{blank[0]}-name": "Robin"})
    assert saved.headers["Location"].endswith("/welcome/categories")
    assert ledger(session, sam.id)["owners"] == {"Me": True, "Joint": True, "Robin": True}

    page = client.get("/welcome/categories")
    fields = _form(page)
    names = _rows(fields.values)
    assert {name for name in names.values() if name} == SEED_NAMES
    assert set(fields.inputs) <= fields.labelled
    row = {name: i for i, name in names.items()}
    data = dict(fields.values)
    data[f"rows-{row['Groceries']}-name"] = "Food"
    del data[f"rows-{row['Insurance']}-keep"]
    new = next(i for i, name in names.items() if not name)
    data[f"rows-{new}-name"] = "Pets"
    saved = client.post("/welcome/categories", data=data)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/welcome/data")

    after = ledger(session, sam.id)
    assert set(after["categories"]) == SEED_NAMES - {"Groceries", "Insurance"} | {"Food", "Pets"}
    assert after["step"] == "data"


def test_going_back_shows_what_was_saved_and_leads_forward_again(session, client, sam):
    _at(session, sam, "categories")
    page = client.get("/welcome/categories")
    assert 'href="/welcome/profile"' in _html(page)  # the steps before are links

    fields = _form(client.get("/welcome/profile"))
    saved = client.post("/welcome/profile", data={**fields.values, "display_name": "Sammy"})
    assert saved.headers["Location"].endswith("/welcome/owners")
    assert ledger(session, sam.id)["step"] == "categories"  # still reached as far
    assert 'value="Sammy"' in _html(client.get("/welcome/profile"))


def test_owners_are_renamed_and_removed_the_one_in_use_kept_inactive(session, client, auth):
    with_owners = new_user(session, "kit", step="owners", owners=["Kit", "Kim", "Lee"])
    spend(session, with_owners.id, owner="Kim")
    auth.login("kit")
    fields = _form(client.get("/welcome/owners"))
    names = _rows(fields.values)
    row = {name: i for i, name in names.items()}
    assert row.keys() >= {"Kit", "Kim", "Lee"}
    data = {**fields.values, f"rows-{row['Kit']}-name": "Christopher"}
    data[f"rows-{row['Kim']}-remove"] = "y"
    data[f"rows-{row['Lee']}-remove"] = "y"

    saved = client.post("/welcome/owners", data=data)

    assert saved.status_code == 302
    assert ledger(session, with_owners.id)["owners"] == {"Christopher": True, "Kim": False}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"currency": "XYZ"}, "currency", "Must be a known ISO 4217 currency code"),
        ({"month_start_day": "31"}, "month_start_day", "Must be a whole number from 1 to 28."),
        ({"month_start_day": "many"}, "month_start_day", "Must be a whole number from 1 to 28."),
    ],
)
def test_a_bad_profile_is_marked_and_nothing_saved(session, client, sam, change, field, message):
    before = ledger(session, sam.id)
    fields = _form(client.get("/welcome/profile"))

    answer = client.post("/welcome/profile", data={**fields.values, "display_name": "S", **change})

    assert answer.status_code == 400
    assert f'<small id="{field}-error" class="field-error">{message}' in _html(answer)
    assert ledger(session, sam.id) == before  # not even the display name; still at profile


@pytest.mark.parametrize(
    ("change", "message", "marked"),
    [
        ({"rows-0-name": ""}, "Is required.", "rows-0-name"),
        ({"rows-1-name": "me"}, "“me” is listed twice.", "rows-1-name"),
        ({"rows-0-name": "x" * 65}, "Must be at most 64 printable characters.", "rows-0-name"),
        ({"rows-0-id": "987654"}, "Is not one of your owners.", "rows-0-name"),
        ({"rows-0-remove": "y", "rows-1-remove": "y"}, "List at least one owner", None),
    ],
)
def test_a_bad_owner_row_is_marked_and_nothing_saved(session, client, sam, change, message, marked):
    _at(session, sam, "owners")
    with tenancy.acting_as(session, sam.id):
        categories.add_owners(session, ["Me", "Joint"])
        session.commit()
    before = ledger(session, sam.id)
    fields = _form(client.get("/welcome/owners"))

    answer = client.post("/welcome/owners", data={**fields.values, **change})

    assert answer.status_code == 400
    assert message in _html(answer)
    if marked:  # on the row it is about
        assert f'<small id="{marked}-error" class="field-error">{message}' in _html(answer)
    assert ledger(session, sam.id) == before
    assert 'aria-current="step">2. Your household' in _html(answer)  # still this step


def test_a_suggested_owner_typed_twice_is_marked_and_nothing_added(session, client, sam):
    _at(session, sam, "owners")
    fields = _form(client.get("/welcome/owners"))  # "Me" and "Joint" suggested, both new
    data = {**fields.values, "rows-1-name": "me"}

    answer = client.post("/welcome/owners", data=data)

    assert answer.status_code == 400
    assert 'id="rows-1-name-error"' in _html(answer)
    assert ledger(session, sam.id)["owners"] == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("duplicate", "“Groceries” is listed twice."),
        ("empty", "Is required."),
        ("type", "Must be one of expense, income, transfer."),
        ("no expense", "Keep at least one expense category."),
    ],
)
def test_a_bad_category_row_is_marked_and_nothing_saved(session, client, sam, change, message):
    _at(session, sam, "categories")
    before = ledger(session, sam.id)
    fields = _form(client.get("/welcome/categories"))
    names = _rows(fields.values)
    row = {name: i for i, name in names.items()}
    new = next(i for i, name in names.items() if not name)
    data = dict(fields.values)
    if change == "duplicate":
        data[f"rows-{new}-name"] = "Groceries"
    elif change == "empty":
        data[f"rows-{row['Housing']}-name"] = ""
    elif change == "type":
        data[f"rows-{row['Housing']}-type"] = "savings"
    else:
        for name, i in row.items():
            if name and fields.values.get(f"rows-{i}-type") == "expense":
                del data[f"rows-{i}-keep"]

    answer = client.post("/welcome/categories", data=data)

    assert answer.status_code == 400
    assert message in _html(answer)
    assert ledger(session, sam.id) == before


@pytest.mark.parametrize(
    ("at", "page", "lands"),
    [
        ("profile", "/welcome/owners", "/welcome/profile"),
        ("profile", "/welcome/categories", "/welcome/profile"),
        ("owners", "/welcome/categories", "/welcome/owners"),
    ],
)
def test_a_page_not_reached_yet_leads_to_where_the_person_is(session, client, sam, at, page, lands):
    _at(session, sam, at)
    before = ledger(session, sam.id)
    token = csrf_token_from(client.get(lands).get_data(as_text=True))

    posted = client.post(page, data={"rows-0-name": "X", "csrf_token": token})
    for answer in (client.get(page), posted):
        assert answer.status_code == 302
        assert answer.headers["Location"].endswith(lands)
    assert ledger(session, sam.id) == before


def test_a_user_at_owners_cannot_open_categories_yet(session, client, sam):
    _at(session, sam, "owners")

    answer = client.get("/welcome/categories", follow_redirects=True)

    assert answer.request.path == "/welcome/owners"
    assert "Your household" in _html(answer)


@pytest.mark.parametrize("page", ["/welcome/profile", "/welcome/owners", "/welcome/categories"])
def test_after_the_wizard_the_pages_lead_to_the_overview(session, client, auth, page):
    done = make_user(session, "dana")
    auth.login("dana")
    before = ledger(session, done.id)
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))

    posted = client.post(page, data={"display_name": "X", "rows-0-name": "X", "csrf_token": token})
    for answer in (client.get(page), posted):
        assert answer.status_code == 302
        assert urlsplit(answer.headers["Location"]).path == "/"
    assert ledger(session, done.id) == before
    assert ids(session, done.id, Owner) == {}
