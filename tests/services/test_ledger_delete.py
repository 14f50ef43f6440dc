"""Delete all my data: every row of the ledger in one go, no other ledger touched."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import AuditLog, Category, User, UserSettings, WebSession
from homeledger.services import ledger_delete, web_sessions
from homeledger.services.errors import ValidationError
from tests.factories import add_transactions, make_user
from tests.services.ledger_data import canonical, counts, fill_household, sums


def _new_account_counts(session, user_id: int) -> dict[str, int]:
    return {name: n for name, n in counts(session, user_id).items() if n}


@pytest.fixture
def two_households(session):
    alex = make_user(session, "alex")
    fill_household(session, alex, demo=False)
    kim = make_user(session, "kim")
    fill_household(session, kim, demo=False)
    add_transactions(session, kim, [(date(2026, 3, 1), "Kim's own", "-12.34", "Groceries")])
    return alex, kim


def _delete(session, user, **kwargs):
    with tenancy.acting_as(session, user.id):
        result = ledger_delete.delete_all(session, user, **kwargs)
    session.commit()
    return result


def test_everything_goes_and_the_account_starts_afresh(session, two_households):
    alex, kim = two_households
    fresh = _new_account_counts(session, make_user(session, "newbie").id)
    kim_rows, kim_sums = canonical(session, kim.id), sums(session, kim.id)
    before = counts(session, alex.id)

    result = _delete(session, alex, confirm="alex")

    assert result.counts == before and not result.account_deleted
    assert _new_account_counts(session, alex.id) == fresh == {"categories": 13, "user_settings": 1}
    assert canonical(session, kim.id) == kim_rows and sums(session, kim.id) == kim_sums
    assert session.get(User, alex.id) is not None
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "data.delete")).one()
    assert entry.actor_id == alex.id and entry.extra_data["counts"]["transactions"] == 2
    assert entry.extra_data["delete_account"] is False


@pytest.mark.parametrize("typed", ["", "Alex", "kim", "alex!", None])
def test_anything_but_the_username_deletes_nothing(session, two_households, typed):
    alex, _ = two_households
    before = canonical(session, alex.id)
    with tenancy.acting_as(session, alex.id), pytest.raises(ValidationError) as refused:
        ledger_delete.delete_all(session, alex, confirm=typed)
    session.rollback()
    assert "confirm" in refused.value.fields and "alex" in refused.value.fields["confirm"]
    assert canonical(session, alex.id) == before


def test_the_account_can_go_too(session, two_households):
    alex, kim = two_households
    kim_rows = canonical(session, kim.id)
    alex_id = alex.id
    with tenancy.acting_as(session, alex_id):
        web_sessions.start(session, alex, lifetime=timedelta(hours=1))
    session.commit()

    result = _delete(session, alex, confirm=" alex ", delete_account=True)

    session.expire_all()
    assert result.account_deleted and result.counts["transactions"] == 2
    assert session.get(User, alex_id) is None
    assert session.scalars(select(WebSession).where(WebSession.user_id == alex_id)).all() == []
    with tenancy.acting_as(session, alex_id):
        assert session.scalars(select(Category)).all() == []
        assert session.scalars(select(UserSettings)).all() == []
    assert canonical(session, kim.id) == kim_rows
    entries = session.scalars(
        select(AuditLog).where(AuditLog.actor_name == "alex").order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries][-2:] == ["data.delete", "user.delete"]
    assert all(e.actor_id is None and e.ledger_user_id is None for e in entries)


def test_the_last_admin_keeps_the_account(session):
    root = make_user(session, "root", role="admin")
    with tenancy.acting_as(session, root.id), pytest.raises(ValidationError) as refused:
        ledger_delete.delete_all(session, root, confirm="root", delete_account=True)
    session.rollback()
    assert "only active admin" in refused.value.fields["delete_account"]
    assert session.get(User, root.id) is not None
    make_user(session, "second", role="admin")
    assert _delete(session, root, confirm="root", delete_account=True).account_deleted


def test_what_goes_lists_the_kinds_with_rows(session, two_households):
    alex, _ = two_households
    with tenancy.acting_as(session, alex.id):
        shown = ledger_delete.what_goes(session)
    assert shown["transactions"] == 2 and shown["debts"] == 1 and shown["user_settings"] == 1
    assert all(shown.values())


# SQLite lets one writer in at a time: a PostgreSQL-only property.
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_admins_deleting_their_accounts_at_once_leave_one(session):
    """The second waits for the first's lock on the admins' rows, then is refused."""
    first, second = (
        make_user(session, "first", role="admin"),
        make_user(session, "second", role="admin"),
    )
    ids = first.id, second.id
    refused: list[Exception] = []

    def delete_second() -> None:
        with Session(session.get_bind()) as other:
            user = other.get(User, ids[1])
            try:
                with tenancy.acting_as(other, user.id):
                    ledger_delete.delete_all(other, user, confirm="second", delete_account=True)
                other.commit()
            except ValidationError as exc:
                refused.append(exc)

    with tenancy.acting_as(session, ids[0]):
        ledger_delete.delete_all(session, first, confirm="first", delete_account=True)
    racer = threading.Thread(target=delete_second)
    racer.start()
    time.sleep(0.5)  # the second is waiting for the admins' rows
    session.commit()
    racer.join(timeout=30)
    session.expire_all()
    assert session.get(User, ids[0]) is None and session.get(User, ids[1]) is not None
    assert len(refused) == 1 and "only active admin" in str(refused[0])
