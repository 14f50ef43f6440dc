"""Accounts: creating users with their ledger, signing in, changing passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import AuditLog, Category, UserSettings
from homeledger.services import accounts, api_tokens, web_sessions
from homeledger.services.errors import ValidationError
from tests.factories import DEFAULT_PASSWORD, make_user


def test_a_new_user_gets_settings_and_the_thirteen_seed_categories(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)

    names = session.scalars(select(Category.name)).all()
    settings = session.scalars(select(UserSettings)).one()

    assert len(names) == 13
    assert {"Groceries", "Salary", "Transfers"} <= set(names)
    assert settings.month_start_day == 1


def test_passwords_are_stored_as_argon2id_hashes(session):
    user = make_user(session, "alex")
    assert user.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("username", "password", "email", "field"),
    [
        ("al", DEFAULT_PASSWORD, None, "username"),
        ("alex smith", DEFAULT_PASSWORD, None, "username"),
        ("ALEX", DEFAULT_PASSWORD, None, "username"),  # taken, whatever the case
        ("robin", "short", None, "password"),
        ("robin", DEFAULT_PASSWORD, "not-an-email", "email"),
    ],
)
def test_create_user_names_what_is_wrong_and_writes_nothing(
    session, username, password, email, field
):
    make_user(session, "alex")
    with pytest.raises(ValidationError) as excinfo:
        accounts.create_user(session, username, password, email=email)
    assert field in excinfo.value.fields
    session.rollback()
    assert accounts.find_user(session, "robin") is None


def test_sign_in_ignores_username_case_and_records_the_login(session):
    make_user(session, "Alex")
    user = accounts.authenticate(session, "  alex ", DEFAULT_PASSWORD, ip_address="10.0.0.5")
    session.commit()

    assert user is not None and user.last_login_at is not None
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "auth.login")).one()
    assert (entry.actor_id, entry.outcome, entry.ip_address) == (user.id, "success", "10.0.0.5")


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [("alex", "wrong password!", "bad_password"), ("nobody", DEFAULT_PASSWORD, "unknown_user")],
)
def test_failed_sign_in_is_refused_and_audited(session, username, password, reason):
    make_user(session, "alex")
    assert accounts.authenticate(session, username, password) is None
    session.commit()
    entry = session.scalars(select(AuditLog).where(AuditLog.outcome == "failure")).one()
    assert entry.extra_data == {"reason": reason}
    assert entry.actor_name == username


def test_a_deactivated_user_cannot_sign_in(session):
    user = make_user(session, "alex")
    user.is_active = False
    session.commit()
    assert accounts.authenticate(session, "alex", DEFAULT_PASSWORD) is None


def test_changing_the_password_ends_every_other_session_and_token(session):
    user = make_user(session, "alex")
    lifetime, idle = timedelta(hours=12), timedelta(minutes=30)
    this_browser = web_sessions.start(session, user, lifetime=lifetime)
    other_browser = web_sessions.start(session, user, lifetime=lifetime)
    phone = api_tokens.issue(session, user, device_name="phone", lifetime=timedelta(days=30))
    epoch = user.session_epoch
    session.commit()

    accounts.change_own_password(
        session, user, DEFAULT_PASSWORD, "a brand new passphrase", keep_web_session=this_browser
    )
    session.commit()

    assert web_sessions.resume(session, this_browser, idle_timeout=idle) == user
    assert web_sessions.resume(session, other_browser, idle_timeout=idle) is None
    with pytest.raises(api_tokens.TokenRejected) as rejected:
        api_tokens.rotate(session, phone.token, lifetime=timedelta(days=30))
    assert rejected.value.code == "token_revoked"
    assert user.session_epoch == epoch + 1  # outstanding access tokens carry the old one
    assert accounts.authenticate(session, "alex", "a brand new passphrase") == user
    assert accounts.authenticate(session, "alex", DEFAULT_PASSWORD) is None


def test_password_change_needs_the_current_password(session):
    user = make_user(session, "alex")
    with pytest.raises(ValidationError) as excinfo:
        accounts.change_own_password(session, user, "not my password", "a brand new passphrase")
    assert "current_password" in excinfo.value.fields


def test_no_password_ever_reaches_the_audit_log(session):
    user = make_user(session, "alex")
    accounts.authenticate(session, "alex", "wrong password!")
    accounts.authenticate(session, "alex", DEFAULT_PASSWORD)
    accounts.change_own_password(session, user, DEFAULT_PASSWORD, "a brand new passphrase")
    session.commit()

    dump = " ".join(
        f"{e.actor_name} {e.extra_data} {e.action}" for e in session.scalars(select(AuditLog))
    )
    for secret in ("wrong password!", DEFAULT_PASSWORD, "a brand new passphrase", "$argon2"):
        assert secret not in dump


def test_audit_entries_cannot_be_forged_with_newlines(session):
    accounts.authenticate(session, "eve\nINFO auth.login success admin", "x" * 12)
    session.commit()
    entry = session.scalars(select(AuditLog)).one()
    assert "\n" not in entry.actor_name
    assert entry.actor_name.startswith("eve\\x0aINFO")


def test_a_username_with_a_nul_byte_is_simply_unknown(session):
    make_user(session, "alex")
    assert accounts.authenticate(session, "al\x00ex", DEFAULT_PASSWORD) is None
    session.commit()
    login = select(AuditLog.outcome).where(AuditLog.action == "auth.login")
    assert session.scalars(login).one() == "failure"


@pytest.mark.parametrize(
    "weak", ["password1234", "qwertyuiop123", "iloveyou2024!!", "aaaaaaaaaaaaaa", "1q2w3e4r5t6y"]
)
def test_common_passwords_are_refused_even_when_long_enough(session, weak):
    user = make_user(session, "alex")
    with pytest.raises(ValidationError) as excinfo:
        accounts.set_password(session, user, weak)
    assert "too easy to guess" in excinfo.value.fields["password"]


def test_sign_in_rehashes_a_password_stored_with_old_parameters(session):
    from argon2 import PasswordHasher

    user = make_user(session, "alex")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(
        DEFAULT_PASSWORD
    )
    session.commit()
    old = user.password_hash

    assert accounts.authenticate(session, "alex", DEFAULT_PASSWORD) == user
    assert user.password_hash != old and user.password_hash.startswith("$argon2id$")
    assert accounts.authenticate(session, "alex", DEFAULT_PASSWORD) == user


def test_c1_control_characters_cannot_forge_audit_lines(session):
    accounts.authenticate(session, "root\u0085auth.login success\u009b", "x" * 12)
    session.commit()
    name = session.scalars(select(AuditLog.actor_name)).one()
    assert len(name.splitlines()) == 1
    assert "\\x85" in name and "\\x9b" in name
