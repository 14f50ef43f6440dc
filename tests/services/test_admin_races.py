"""Two admins demoting (or deactivating) each other at the same moment leave one admin.

Each admin's request runs on its own connection in its own thread. On PostgreSQL the
second waits on the active admins' rows the first locked, then counts again and is
refused. SQLite lets one writer in at a time, so there is no race to lose there: these
tests run on PostgreSQL only.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from homeledger.models import AuditLog, User
from homeledger.services import admin_users
from tests.factories import make_user
from tests.races import someone_waits_on_a_lock

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def two_admins(session, db_url):
    ann = make_user(session, "ann", role="admin").id
    bob = make_user(session, "bob", role="admin").id
    engine = create_engine(db_url, pool_size=4)
    yield engine, ann, bob
    engine.dispose()


def _change(engine, actor_id, target_id, change, *, holding=None, release=None):
    """One admin's request: change, (wait while holding the locks), commit; the refusal's
    code, or None when it went through."""
    with Session(engine) as session:
        actor = session.get(User, actor_id)
        try:
            admin_users.update(session, actor, target_id, **change)
        except admin_users.Refused as refused:
            session.commit()
            return refused.code
        if holding is not None:
            holding.set()
            assert release.wait(30)
        session.commit()
        return None


@pytest.mark.parametrize("change", [{"role": "user"}, {"is_active": False}])
def test_two_admins_removing_each_other_at_once_leave_one(two_admins, change):
    engine, ann, bob = two_admins
    holding, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(_change, engine, ann, bob, change, holding=holding, release=release)
        assert holding.wait(30), "the first admin never got the locks"
        second = pool.submit(_change, engine, bob, ann, change)
        try:
            assert someone_waits_on_a_lock(engine), "the second admin did not wait"
        finally:
            release.set()
        results = [first.result(30), second.result(30)]
    assert results == [None, "last_admin"]
    with Session(engine) as session:
        admins = session.scalars(
            select(User.username).where(User.role == "admin", User.is_active)
        ).all()
        refusals = session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.outcome == "failure")
        )
    assert admins == ["ann"]
    assert refusals == 1
