"""The wizard's data step as a service: what each choice needs, the sample household in
the person's own currency and month, and what the ledger holds."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.demo import load_sample
from homeledger.models import Budget, Category, ImportBatch, Owner, Transaction, UserSettings
from homeledger.services import categories, imports, onboarding, onboarding_data, settings
from homeledger.services.errors import ValidationError
from tests.factories import add_transactions, make_user

TODAY = date(2026, 11, 26)
CSV = b"Date,Description,Amount\n2026-10-01,SALARY,2450.00\n2026-10-03,TESCO,-42.17\n"


@pytest.fixture
def alex(session):
    user = make_user(session, "alex", onboarded=False)
    user.onboarding_step = "data"
    session.commit()
    return user


def _set_currency(session, currency: str, start_day: int) -> None:
    row = session.scalars(select(UserSettings)).one()
    row.currency, row.month_start_day = currency, start_day
    session.flush()


def _save(session, user, choice):
    with tenancy.acting_as(session, user.id):
        onboarding_data.save(session, choice, today=TODAY, load_sample=load_sample)
        session.commit()


def _refused(session, user, choice) -> str:
    with tenancy.acting_as(session, user.id), pytest.raises(ValidationError) as caught:
        onboarding_data.save(session, choice, today=TODAY, load_sample=load_sample)
    session.rollback()
    return caught.value.fields["choice"]


def _count(session, user, model) -> int:
    with tenancy.acting_as(session, user.id):
        return session.scalar(select(func.count()).select_from(model))


def test_sample_data_keeps_the_persons_currency_and_month_start(session, alex):
    with tenancy.acting_as(session, alex.id):
        _set_currency(session, "EUR", 15)
        session.commit()

    _save(session, alex, "sample")

    with tenancy.acting_as(session, alex.id):
        kept = settings.read(session)
        holds = onboarding_data.holds(session)
        assert (kept.currency, kept.month_start_day) == ("EUR", 15)
        assert holds.transactions > 500
        assert holds.last_date <= TODAY
        assert holds.first_date >= date(2024, 11, 1)  # two years, no more
        assert (holds.imports, holds.legacy_uploads_applied) == (0, 0)
        assert onboarding_data.chosen(session, alex) == "sample"


def test_the_demo_itself_still_counts_in_aud_from_the_first(session, alex):
    from homeledger.demo import build_demo_household

    with tenancy.acting_as(session, alex.id):
        _set_currency(session, "EUR", 15)
        build_demo_household(session, years=1, today=TODAY)
        kept = settings.read(session)
        assert (kept.currency, kept.month_start_day) == ("AUD", 1)


def test_sample_data_is_refused_into_a_ledger_with_transactions(session, alex):
    add_transactions(session, alex, [(TODAY, "Coffee", "-3.50", None)])

    assert _refused(session, alex, "sample") == "the ledger already has transactions"
    assert _count(session, alex, Transaction) == 1
    assert _count(session, alex, Budget) == 0


def test_import_needs_an_import_that_is_still_there(session, alex):
    assert _refused(session, alex, "import") == "import a file first"

    with tenancy.acting_as(session, alex.id):
        batch_id = imports.commit(session, "october.csv", CSV).id
        session.commit()
        holds = onboarding_data.holds(session)
    assert (holds.transactions, holds.imports) == (2, 1)
    assert (holds.first_date, holds.last_date) == (date(2026, 10, 1), date(2026, 10, 3))
    _save(session, alex, "import")

    with tenancy.acting_as(session, alex.id):
        imports.undo(session, batch_id)
        session.commit()
        assert onboarding_data.holds(session).imports == 0
    assert _refused(session, alex, "import") == "import a file first"


def test_transactions_typed_in_are_not_an_import(session, alex):
    add_transactions(session, alex, [(TODAY, "Coffee", "-3.50", None)])
    assert _refused(session, alex, "import") == "import a file first"


def test_legacy_needs_an_applied_old_file(session, alex):
    assert "old desktop file" in _refused(session, alex, "legacy")


@pytest.mark.parametrize("choice", ["", "csv", None, 3, "EMPTY"])
def test_an_unknown_choice_is_refused(session, alex, choice):
    assert _refused(session, alex, choice) == "choose one of import, legacy, sample, empty"


def test_the_choice_is_read_back_from_the_ledger(session, alex):
    with tenancy.acting_as(session, alex.id):
        assert onboarding_data.chosen(session, alex) is None
        _save(session, alex, "empty")
        onboarding.saved(session, alex, "data")
        session.commit()
        assert alex.onboarding_step == "budget"
        assert onboarding_data.chosen(session, alex) == "empty"
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_sample_uses_the_owners_and_categories_already_named_in_another_case(session, alex):
    """The person typed "joint" and "alex" and renamed Groceries "groceries": the sample's
    rows go to those, with no second Joint, Alex or Groceries beside them."""
    with tenancy.acting_as(session, alex.id):
        categories.add_owners(session, ["joint", "alex"])
        groceries = session.scalars(select(Category).where(Category.name == "Groceries")).one()
        groceries.name = "groceries"
        session.commit()

    _save(session, alex, "sample")

    with tenancy.acting_as(session, alex.id):
        owners = {o.name: o.id for o in session.scalars(select(Owner))}
        assert sorted(owners) == ["Sam", "alex", "joint"]
        names = list(session.scalars(select(Category.name)))
        assert "groceries" in names and "Groceries" not in names
        by_owner = dict(
            session.execute(
                select(Transaction.owner_id, func.count()).group_by(Transaction.owner_id)
            ).all()
        )
        assert by_owner.get(owners["joint"], 0) > 0 and by_owner.get(owners["alex"], 0) > 0
