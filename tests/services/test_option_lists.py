"""The menus' option lists (accounts in use) read an index instead of every row; they list
exactly what ``SELECT DISTINCT ... ORDER BY`` over the ledger's rows lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import event, insert, select

from homeledger import tenancy
from homeledger.models import Transaction
from homeledger.services import transactions
from tests.factories import make_user

# Case, spaces, digits, punctuation and letters beyond ASCII: each its own account.
ACCOUNTS = [
    "Everyday",
    "everyday",
    "EVERYDAY",
    "Credit card",
    "Credit  card",
    " Credit card",
    "Credit card ",
    "Savings 2",
    "Savings 10",
    "Ärzte",
    "Zürich",
    "ünicode",
    "_joint",
    "joint-2",
    "€ account",
    "",
    "a",
    "b",
    *(f"Account {n:03d}" for n in range(40)),
]
# Another ledger's accounts fall between this one's in order, so a step of the index walk
# that strayed into it would pick one up.
OTHERS = ["Credit card 2", "Everyday!", "Savings 1", "Zz other", "Account 0005", "b0"]


def _fill(session, user, accounts: list[str | None], per_account: int = 3) -> None:
    day = date(2026, 1, 1)
    rows = [
        {"date": day, "description": f"row {n}", "amount": Decimal("-1.00"), "account": account}
        for account in accounts
        for n in range(per_account)
    ]
    with tenancy.acting_as(session, user.id):
        session.execute(insert(Transaction), rows)
    session.commit()


def _distinct(session) -> list[str]:
    """The list as it was read before: DISTINCT over every row of the ledger."""
    return list(
        session.scalars(
            select(Transaction.account)
            .where(Transaction.account.is_not(None))
            .distinct()
            .order_by(Transaction.account)
        )
    )


def test_accounts_are_what_distinct_gives_in_the_same_order(session):
    alex, other = make_user(session, "alex"), make_user(session, "other")
    _fill(session, other, OTHERS)
    _fill(session, alex, [*reversed(ACCOUNTS), None])
    tenancy.set_ledger(session, alex.id)
    found = transactions.accounts(session)
    assert found == _distinct(session)
    assert sorted(found) == sorted(ACCOUNTS)  # every one, once; no NULL
    assert not set(found) & set(OTHERS)


def test_no_accounts_listed_without_rows_or_with_none_named(session):
    alex, bea = make_user(session, "alex"), make_user(session, "bea")
    _fill(session, bea, ["Everyday"])
    tenancy.set_ledger(session, alex.id)
    assert transactions.accounts(session) == []
    _fill(session, alex, [None, None])
    assert transactions.accounts(session) == []


def test_an_account_appears_once_its_first_row_is_added_and_goes_with_its_last(session):
    alex = make_user(session, "alex")
    _fill(session, alex, ["Card", "Bank"])
    tenancy.set_ledger(session, alex.id)
    assert transactions.accounts(session) == ["Bank", "Card"]
    _fill(session, alex, ["Brokerage"], per_account=1)
    assert transactions.accounts(session) == ["Bank", "Brokerage", "Card"]
    session.execute(Transaction.__table__.delete().where(Transaction.account == "Bank"))
    assert transactions.accounts(session) == ["Brokerage", "Card"]


def test_every_step_of_the_account_walk_is_confined_to_the_ledger(session):
    alex = make_user(session, "alex")
    _fill(session, alex, ["Bank"])
    tenancy.set_ledger(session, alex.id)
    sent = []
    engine = session.get_bind()

    def catch(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", catch)
    try:
        transactions.accounts(session)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    (statement,) = [s for s in sent if "accounts_in_use" in s]
    anchor, step = statement.split("UNION ALL")
    assert "transactions.user_id =" in anchor and "transactions.user_id =" in step
