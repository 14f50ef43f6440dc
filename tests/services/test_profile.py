"""The settings a person changes: each field saved, every bad one named with nothing written,
the email shared by no two accounts, and the change audited by field names only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import AuditLog, User, UserSettings
from homeledger.services import import_profiles, profile
from homeledger.services.errors import ValidationError
from homeledger.services.importing import CsvMapping
from homeledger.services.profile import LOCALES, ProfileChange
from homeledger.web.formats import format_date
from tests.factories import make_user


@pytest.fixture
def alex(session):
    user = make_user(session, "alex", email="alex@example.com", display_name="Alex")
    tenancy.set_ledger(session, user.id)
    return user


def _update(session, user, **fields):
    saved = profile.update(session, user, ProfileChange(**fields))
    session.commit()
    return saved


def _audits(session) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.action == "settings.update")))


@pytest.mark.parametrize(
    ("field", "sent", "kept"),
    [
        ("display_name", "  Alex   Kowalski ", "Alex Kowalski"),
        ("display_name", "", None),
        ("display_name", None, None),
        ("email", " Alex.K@Example.org ", "Alex.K@Example.org"),
        ("email", "", None),
        ("currency", "EUR", "EUR"),
        ("currency", "gbp", "GBP"),
        ("month_start_day", 25, 25),
        ("month_start_day", 1, 1),
        ("locale", "de", "de"),
        ("locale", "en_us", "en-US"),
    ],
)
def test_each_field_is_saved(session, alex, field, sent, kept):
    saved = _update(session, alex, **{field: sent})
    assert getattr(saved, field) == kept
    session.expire_all()
    assert getattr(profile.read(session, alex), field) == kept


def test_fields_not_sent_stay_as_they_are(session, alex):
    _update(session, alex, currency="EUR", month_start_day=10, locale="fr")
    saved = _update(session, alex, display_name="Al")
    assert (saved.email, saved.currency, saved.month_start_day, saved.locale) == (
        "alex@example.com",
        "EUR",
        10,
        "fr",
    )


def test_every_bad_field_is_named_and_nothing_is_written(session, alex):
    with pytest.raises(ValidationError) as refused:
        profile.update(
            session,
            alex,
            ProfileChange(
                display_name="x" * 101,
                email="not an address",
                currency="XYZ",
                month_start_day=29,
                locale="tlh",
            ),
        )
    assert set(refused.value.fields) == {
        "display_name",
        "email",
        "currency",
        "month_start_day",
        "locale",
    }
    assert "XYZ" in refused.value.fields["currency"]
    session.rollback()
    shown = profile.read(session, alex)
    assert (shown.display_name, shown.email, shown.currency, shown.month_start_day) == (
        "Alex",
        "alex@example.com",
        "USD",
        1,
    )
    assert _audits(session) == []


def test_one_bad_field_keeps_the_good_ones_from_being_written(session, alex):
    with pytest.raises(ValidationError) as refused:
        profile.update(session, alex, ProfileChange(currency="EUR", month_start_day=0))
    assert set(refused.value.fields) == {"month_start_day"}
    session.rollback()
    assert profile.read(session, alex).currency == "USD"


@pytest.mark.parametrize(
    ("field", "sent"),
    [
        ("display_name", "Alex\x00"),
        ("display_name", "Line\nbreak"),
        ("display_name", 12),
        ("email", "alex@"),
        ("email", "a" * 250 + "@x.org"),
        ("email", ["alex@example.com"]),
        ("currency", "EURO"),
        ("currency", None),
        ("month_start_day", "5"),
        ("month_start_day", True),
        ("month_start_day", 5.0),
        ("month_start_day", 0),
        ("locale", ""),
        ("locale", "xx-YY"),
    ],
)
def test_bad_values_are_refused_naming_the_field(session, alex, field, sent):
    with pytest.raises(ValidationError) as refused:
        profile.update(session, alex, ProfileChange(**{field: sent}))
    assert set(refused.value.fields) == {field}


def test_an_email_is_used_by_one_account_whatever_its_case(session, alex):
    sam = make_user(session, "sam", email="sam@example.com")
    with pytest.raises(ValidationError) as refused:
        profile.update(session, alex, ProfileChange(email="SAM@example.COM"))
    assert refused.value.fields == {"email": "is already used by another account"}
    session.rollback()
    assert session.get(User, alex.id).email == "alex@example.com"
    # Writing one's own address in other letters is not a clash.
    assert _update(session, alex, email="ALEX@example.com").email == "ALEX@example.com"
    assert session.get(User, sam.id).email == "sam@example.com"


def test_a_change_is_audited_by_field_names_never_values(session, alex):
    _update(session, alex, email="new@example.com", currency="EUR", locale="en")  # locale same
    (entry,) = _audits(session)
    assert entry.actor_id == alex.id and entry.ledger_user_id == alex.id
    assert entry.extra_data == {"fields": ["currency", "email"]}
    assert "new@example.com" not in str(entry.extra_data)


def test_saving_nothing_new_is_not_audited(session, alex):
    _update(session, alex, display_name="Alex", currency="USD")
    assert _audits(session) == []


def test_a_code_the_list_no_longer_offers_is_kept_when_sent_unchanged(session, alex):
    """An older ledger (the legacy migration) may hold a currency not offered; saving the
    page with it must not fail, but it cannot be chosen anew."""
    session.scalars(select(UserSettings)).one().currency = "XAU"
    session.commit()
    assert _update(session, alex, currency="XAU", display_name="A").currency == "XAU"
    with pytest.raises(ValidationError) as refused:
        profile.update(session, alex, ProfileChange(currency="XAG"))
    assert set(refused.value.fields) == {"currency"}


def test_settings_belong_to_the_acting_ledger(session, alex):
    sam = make_user(session, "sam")
    _update(session, alex, currency="EUR")
    tenancy.set_ledger(session, sam.id)
    assert profile.read(session, sam).currency == "USD"


def test_every_offered_locale_writes_a_date_people_can_read():
    for code in LOCALES:
        written = format_date(date(2026, 3, 15), code)
        assert "15" in written and "2026" in written, code


def test_a_saved_mapping_is_described_in_words(session, alex):
    mapping = CsvMapping(
        date="Posted", description="Payee", debit="Out", credit="In", date_format="dmy"
    )
    mapping = CsvMapping(**{**mapping.to_dict(), "decimal_separator": ",", "has_header": True})
    saved = import_profiles.save_profile(session, "My bank", mapping)
    assert import_profiles.describe(saved) == [
        "Date: “Posted”, written DD/MM/YYYY",
        "Description: “Payee”",
        "Debit (money out): “Out”, with a decimal comma",
        "Credit (money in): “In”, with a decimal comma",
        "The first row names the columns.",
    ]
    saved.mapping = {"date": "Posted"}  # a saved mapping that no longer makes sense
    assert import_profiles.describe(saved)[0].startswith("This mapping can no longer be used")


def test_an_email_taken_between_the_check_and_the_write_is_refused(session, alex, monkeypatch):
    """Two people saving one address at once: the database's unique index decides, and the
    loser is told as if the check had seen it (the session stays usable)."""
    make_user(session, "sam", email="sam@example.com")
    monkeypatch.setattr(profile, "_email", lambda session, user, value: (value, None))
    with pytest.raises(ValidationError) as refused:
        profile.update(session, alex, ProfileChange(email="SAM@example.com", currency="EUR"))
    assert refused.value.fields == {"email": "is already used by another account"}
    session.rollback()
    assert profile.read(session, alex).email == "alex@example.com"
    assert profile.read(session, alex).currency == "USD"
