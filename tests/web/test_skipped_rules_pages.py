"""Pages say which rules a run left out because their regular expression was too slow."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from homeledger import tenancy
from homeledger.models import Rule
from tests.conftest import csrf_token_from
from tests.factories import add_transactions, category_id, make_user
from tests.web.test_import_pages import _confirm, _upload

STALLING_TEXT = "a" * 40 + "b"
ROWS = b"Date,Description,Amount\n" + b"".join(
    f"2024-03-0{n},{STALLING_TEXT},-{n}.00\n".encode() for n in range(1, 4)
)


@pytest.fixture
def alex(session):
    """Alex, whose ledger holds a rule saved before patterns were checked."""
    user = make_user(session, "alex")
    with tenancy.acting_as(session, user.id):
        session.add(
            Rule(
                name="old a's",
                pattern=r"^(a|aa)+$",
                match_type="regex",
                set_category_id=category_id(session, "Shopping"),
            )
        )
        session.commit()
    return user


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _page(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_import_preview_and_its_result_name_the_skipped_rule(signed_in):
    preview = _upload(signed_in, "a.csv", ROWS)
    confirmed = _confirm(signed_in, preview.get_data(as_text=True))
    batches = _page(signed_in.get("/imports/batches"))

    shown = _page(preview)
    assert 'data-testid="skipped-rules"' in shown
    assert "old a's" in shown and "timed out" in shown
    assert confirmed.status_code == 302
    assert "Imported 3 transactions" in batches
    assert "The rule “old a's” was left out of this import: its regular expression" in batches
    assert 'data-testid="skipped-rule">Rule “old a\'s” left out:' in batches


def test_the_rules_run_names_the_skipped_rule(session, signed_in, alex):
    add_transactions(session, alex, [(date(2024, 3, 1), STALLING_TEXT, "-1.00", None)] * 3)

    preview = signed_in.get("/settings/rules/apply")
    applied = signed_in.post(
        "/settings/rules/apply",
        data={"only_uncategorised": "1", "csrf_token": csrf_token_from(preview.get_data(True))},
    )
    after = _page(signed_in.get("/settings/rules"))

    shown = _page(preview)
    assert 'data-testid="skipped-rules"' in shown and "old a's" in shown
    assert 'data-testid="change-count">No transactions would change.' in shown
    assert applied.status_code == 302
    assert "The rule “old a's” was left out of this run: its regular expression timed out" in after
