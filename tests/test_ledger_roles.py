"""What a role lets a person write, enforced below the services: every way a viewer could
write to a ledger table is refused (and reads still work); who entered and who changed a
row is recorded however it is written; a member's writes add up into one audit entry per
database transaction. Export leaves the people out, and an import stamps the importer."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.ledger_roles import ReadOnly
from homeledger.models import (
    AuditLog,
    Budget,
    Category,
    Owner,
    SavingsGoal,
    Transaction,
    UserSettings,
)
from homeledger.models.base import Attributed
from homeledger.services import (
    analytics,
    budgets,
    categories,
    ledger_export,
    ledger_import,
    transactions,
    writes,
)
from homeledger.services.filters import TransactionFilter
from homeledger.services.ledger_tables import ledger_tables
from tests.factories import make_user
from tests.services.ledger_data import fill_household
from tests.shared_ledgers import audit_entries, rows_of, share

DAY = date(2026, 11, 3)
_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@pytest.fixture
def household(session):
    """Alex's ledger, with a row in every table; Sam may edit it, Vic may only read it."""
    alex, sam, vic = (make_user(session, name) for name in ("alex", "sam", "vic"))
    fill_household(session, alex, demo=False)
    share(session, alex, sam, "editor")
    share(session, alex, vic, "viewer")
    return alex, sam, vic


def _budget_upsert(session: Session, amount: str):
    """Set November's Groceries budget with one INSERT … ON CONFLICT DO UPDATE."""
    groceries = session.scalars(select(Category.id).where(Category.name == "Groceries")).one()
    insert_ = _UPSERTS[session.get_bind().dialect.name](Budget)
    statement = insert_.on_conflict_do_update(
        index_elements=["user_id", "year", "month", "category_id"],
        index_where=Budget.owner_id.is_(None),
        set_={"amount": insert_.excluded.amount},
    )
    row = {"year": 2026, "month": 11, "category_id": groceries, "amount": Decimal(amount)}
    return session.execute(statement, [row])


def _viewer_writes(session: Session):
    """(name, attempt) for every way of writing a ledger table we know of."""

    def first(model):
        return session.scalars(select(model).order_by(model.id)).first()

    def add_and_flush():
        session.add(Transaction(date=DAY, description="Viewer's", amount=Decimal("-1")))
        session.flush()

    def add_owner_and_flush():
        session.add(Owner(name="Viewer"))
        session.flush()

    def change_and_flush():
        first(Transaction).description = "Changed by a viewer"
        session.flush()

    def change_settings_and_flush():
        first(UserSettings).currency = "EUR"
        session.flush()

    def delete_and_flush():
        session.delete(first(Owner))
        session.flush()

    def merge_and_flush():
        row = first(SavingsGoal)
        session.expunge(row)
        row.name = "Merged by a viewer"
        session.merge(row)
        session.flush()

    def bulk_insert():
        session.execute(
            insert(Transaction), [{"date": DAY, "description": "Bulk", "amount": Decimal("-1")}]
        )

    def bulk_insert_returning():
        session.scalars(
            insert(Owner).returning(Owner.id), [{"name": "Bulk 1"}, {"name": "Bulk 2"}]
        ).all()

    def bulk_update():
        session.execute(
            update(Transaction).where(Transaction.amount < 0).values(description="Bulk")
        )

    def bulk_update_nothing():
        session.execute(update(Category).where(Category.id == -1).values(name="Nothing"))

    def bulk_delete():
        session.execute(delete(Transaction).where(Transaction.amount < 0))

    def bulk_delete_everything():
        session.execute(delete(Owner))

    def legacy_query_update():
        session.query(Transaction).filter(Transaction.amount < 0).update({"notes": "Query"})

    def legacy_query_delete():
        session.query(Category).filter(Category.id == -1).delete()

    def upsert_do_update():
        _budget_upsert(session, "1.00")

    def upsert_do_nothing():
        writes.insert_new(session, Owner, [{"name": "Sam"}, {"name": "Fresh"}])

    def set_budget_service():
        groceries = session.scalars(select(Category.id).where(Category.name == "Groceries")).one()
        budgets.set_budget(session, 2026, 11, groceries, Decimal("1"))

    def create_category_service():
        categories.create_category(session, "Viewer's", "expense")

    def create_transaction_service():
        transactions.create(
            session,
            transactions.TransactionInput(date=DAY, description="Service", amount=Decimal("-3")),
        )

    attempts = dict(locals())
    del attempts["session"], attempts["first"]
    return list(attempts.items())


def test_every_write_a_viewer_tries_is_refused_and_nothing_changes(session, household):
    alex, _, vic = household
    before = rows_of(session, alex.id)
    with tenancy.acting_as(session, alex.id):
        snapshot = _snapshot(session)
    session.rollback()
    attempts = _viewer_writes(session)
    assert len(attempts) >= 18
    not_refused = []
    for name, attempt in attempts:
        with tenancy.acting_as(session, alex.id, vic.id, "viewer"):
            try:
                attempt()
            except ReadOnly as refusal:
                assert (refusal.actor_id, refusal.ledger_user_id) == (vic.id, alex.id)
                assert refusal.table in {t.name for t in ledger_tables()}
            else:
                not_refused.append(name)
        session.rollback()
    assert not_refused == []
    assert rows_of(session, alex.id) == before
    with tenancy.acting_as(session, alex.id):
        assert _snapshot(session) == snapshot
    session.rollback()
    assert audit_entries(session, "ledger.write") == []


def test_a_viewer_cannot_write_any_ledger_table_in_bulk(session, household):
    """Refused before the statement runs, so even rows no table would take are refused as
    read-only, on every ledger table, a table added later included."""
    alex, _, vic = household
    before = rows_of(session, alex.id)
    wrong = []
    for table in ledger_tables():
        model = table.model
        for statement, rows in (
            (insert(model), [{}]),
            (update(model).where(model.id == -1).values(id=model.id), None),
            (delete(model).where(model.id == -1), None),
        ):
            with tenancy.acting_as(session, alex.id, vic.id, "viewer"):
                try:
                    session.execute(statement, rows) if rows else session.execute(statement)
                except ReadOnly as refusal:
                    if refusal.table != table.name:
                        wrong.append(f"{table.name}: refused as {refusal.table}")
                else:
                    wrong.append(f"{statement.__class__.__name__} into {table.name}")
            session.rollback()
    assert wrong == []
    assert rows_of(session, alex.id) == before


def _snapshot(session: Session) -> list[tuple]:
    return [
        *session.execute(
            select(Transaction.id, Transaction.description, Transaction.notes).order_by(
                Transaction.id
            )
        ),
        *session.execute(select(Owner.id, Owner.name).order_by(Owner.id)),
        *session.execute(select(Budget.id, Budget.amount).order_by(Budget.id)),
        *session.execute(select(SavingsGoal.id, SavingsGoal.name).order_by(SavingsGoal.id)),
        *session.execute(select(UserSettings.currency)),
    ]


def test_a_viewer_still_reads_everything(session, household):
    alex, _, vic = household
    with tenancy.acting_as(session, alex.id):
        expected = _snapshot(session)
        total = session.scalar(select(func.sum(Transaction.amount)))
    session.rollback()
    with tenancy.acting_as(session, alex.id, vic.id, "viewer"):
        assert _snapshot(session) == expected
        assert session.scalar(select(func.sum(Transaction.amount))) == total
        page = transactions.list_page(session, TransactionFilter())
        assert {row.user_id for row in page.items} == {alex.id}
        assert len(page.items) == 2
        row = session.get(Transaction, page.items[0].id)
        assert row is not None
        figures = analytics.figures_between(session, None, date(2026, 11, 1), date(2026, 11, 30))
        assert figures.transaction_count == 2
        session.flush()  # nothing to write: a flush with no changes is not a write
    session.rollback()


def _stamps(session: Session, model, row_id: int) -> tuple[int | None, int | None]:
    session.expire_all()
    with tenancy.acting_as(session, _ledger_of(session, model, row_id)):
        row = session.get(model, row_id)
        found = row.created_by_id, row.updated_by_id
    session.rollback()
    return found


def _ledger_of(session, model, row_id):
    with tenancy.unscoped(session, reason="test: whose row is this"):
        ledger = session.scalar(select(model.user_id).where(model.id == row_id))
    session.rollback()
    return ledger


def test_who_entered_and_who_changed_a_row_is_recorded_however_it_is_written(session, household):
    alex, sam, _ = household
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        flushed = Transaction(date=DAY, description="Flushed", amount=Decimal("-1"))
        session.add(flushed)
        session.flush()
        bulk_id = session.scalars(
            insert(Transaction).returning(Transaction.id),
            [{"date": DAY, "description": "Bulk", "amount": Decimal("-2")}],
        ).one()
        flushed_id = flushed.id
    session.commit()
    assert _stamps(session, Transaction, flushed_id) == (sam.id, None)
    assert _stamps(session, Transaction, bulk_id) == (sam.id, None)

    with tenancy.acting_as(session, alex.id):
        # The owner changes one row by flush and one in bulk.
        session.get(Transaction, flushed_id).notes = "Alex's note"
        session.execute(
            update(Transaction).where(Transaction.id == bulk_id).values(notes="Alex's too")
        )
    session.commit()
    assert _stamps(session, Transaction, flushed_id) == (sam.id, alex.id)
    assert _stamps(session, Transaction, bulk_id) == (sam.id, alex.id)

    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        session.get(Transaction, flushed_id).notes = "Sam's note"
        session.flush()
        session.execute(
            update(Transaction).where(Transaction.id == bulk_id).values(notes="Sam's too")
        )
    session.commit()
    assert _stamps(session, Transaction, flushed_id) == (sam.id, sam.id)
    assert _stamps(session, Transaction, bulk_id) == (sam.id, sam.id)

    # Assigning what a row already holds is no change: nobody is recorded.
    with tenancy.acting_as(session, alex.id):
        row = session.get(Transaction, flushed_id)
        row.notes = "Sam's note"
        row.description = "Flushed"
        session.flush()
    session.commit()
    assert _stamps(session, Transaction, flushed_id) == (sam.id, sam.id)


def test_the_owners_own_rows_say_the_owner_entered_them(session, household):
    alex, _, _ = household
    with tenancy.acting_as(session, alex.id):
        row = Transaction(date=DAY, description="Alex's", amount=Decimal("-1"))
        session.add(row)
        session.flush()
        row_id = row.id
        goal_id = session.scalars(
            insert(SavingsGoal).returning(SavingsGoal.id),
            [{"name": "Alex's goal", "target_amount": Decimal("10")}],
        ).one()
    session.commit()
    assert _stamps(session, Transaction, row_id) == (alex.id, None)
    assert _stamps(session, SavingsGoal, goal_id) == (alex.id, None)


def test_an_editor_changing_a_budget_by_upsert_is_recorded(session, household):
    """Setting a budget that exists is one INSERT … ON CONFLICT DO UPDATE: a change."""
    alex, sam, _ = household
    with tenancy.acting_as(session, alex.id):
        budget = session.scalars(select(Budget)).one()
        budget_id, before = budget.id, (budget.created_by_id, budget.updated_by_id)
        month = (budget.year, budget.month, budget.category_id)
    session.rollback()
    assert before == (alex.id, None)
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        same = budgets.set_budget(session, *month, Decimal("455.00"))
    session.commit()
    assert same == budget_id
    assert _stamps(session, Budget, budget_id) == (alex.id, sam.id)
    [entry] = audit_entries(session, "ledger.write")
    assert (entry.actor_id, entry.ledger_user_id) == (sam.id, alex.id)
    assert sum(n for tables in entry.extra_data.values() for n in tables.values()) == 1


def test_the_owners_own_writes_are_not_audited_as_a_members(session, household):
    alex, _, _ = household
    with tenancy.acting_as(session, alex.id):
        session.add(Transaction(date=DAY, description="Alex's", amount=Decimal("-1")))
        session.flush()
        session.execute(update(Transaction).values(notes="All"))
        session.execute(insert(Owner), [{"name": "Bulk"}])
        session.execute(delete(Owner).where(Owner.name == "Bulk"))
        _budget_upsert(session, "9.00")
    session.commit()
    assert audit_entries(session, "ledger.write") == []


def test_an_editors_writes_make_one_audit_entry_per_transaction(session, household):
    alex, sam, _ = household
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        session.add_all(
            [
                Transaction(date=DAY, description="One", amount=Decimal("-1")),
                Transaction(date=DAY, description="Two", amount=Decimal("-2")),
                Owner(name="New"),
            ]
        )
        session.flush()
        session.execute(
            insert(Transaction),
            [{"date": DAY, "description": f"Bulk {n}", "amount": Decimal("-3")} for n in range(3)],
        )
        one = session.scalars(select(Transaction).where(Transaction.description == "One")).one()
        one.notes = "changed"
        session.flush()
        session.execute(
            update(Transaction).where(Transaction.description.like("Bulk %")).values(notes="b")
        )
        session.execute(update(Transaction).where(Transaction.id == -1).values(notes="none"))
        session.delete(session.scalars(select(Owner).where(Owner.name == "New")).one())
        session.flush()
        session.execute(delete(Transaction).where(Transaction.description == "Two"))
    session.commit()
    [entry] = audit_entries(session, "ledger.write")
    assert (entry.actor_id, entry.ledger_user_id, entry.outcome) == (sam.id, alex.id, "success")
    assert entry.extra_data == {
        "added": {"transactions": 5, "owners": 1},
        "changed": {"transactions": 4},
        "removed": {"owners": 1, "transactions": 1},
    }

    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        session.execute(delete(Transaction).where(Transaction.description.like("Bulk %")))
    session.commit()
    first, second = audit_entries(session, "ledger.write")
    assert first.id == entry.id and first.extra_data == entry.extra_data
    assert (second.actor_id, second.ledger_user_id) == (sam.id, alex.id)
    assert second.extra_data == {"removed": {"transactions": 3}}


def test_a_rolled_back_transaction_leaves_no_entry_and_the_next_one_has_its_own(session, household):
    alex, sam, _ = household
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        session.add(Transaction(date=DAY, description="Gone", amount=Decimal("-1")))
        session.flush()
        session.execute(delete(Owner).where(Owner.name == "nobody"))
    session.rollback()
    assert audit_entries(session, "ledger.write") == []
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        session.add(Owner(name="Kept"))
        session.flush()
    session.commit()
    [entry] = audit_entries(session, "ledger.write")
    assert entry.extra_data == {"added": {"owners": 1}}


def test_a_members_writes_in_two_ledgers_are_two_entries(session, household):
    """Sam edits Alex's ledger and then his own in one transaction: one entry, for Alex's."""
    alex, sam, _ = household
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        session.add(Owner(name="Sam added"))
        session.flush()
    with tenancy.acting_as(session, sam.id):
        session.add(Owner(name="Sam's own"))
        session.flush()
    session.commit()
    [entry] = audit_entries(session, "ledger.write")
    assert (entry.actor_id, entry.ledger_user_id) == (sam.id, alex.id)
    assert entry.extra_data == {"added": {"owners": 1}}


def test_export_leaves_out_who_entered_rows_and_import_stamps_the_importer(session, household):
    alex, sam, _ = household
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        session.add(Transaction(date=DAY, description="Sam's entry", amount=Decimal("-4")))
        owner = session.scalars(select(Owner)).first()
        owner.login_id = sam.id
        session.flush()
        session.execute(update(Transaction).values(notes="Sam was here"))
    session.commit()
    with tenancy.acting_as(session, alex.id):
        exported = "".join(ledger_export.export_json(session, alex)).encode()
    session.rollback()
    document = json.loads(exported)
    people_columns = {"created_by_id", "updated_by_id", "login_id"}
    for name, rows in document["tables"].items():
        for row in rows:
            assert not people_columns & set(row), name
    assert str(sam.id) not in {
        str(v)
        for rows in document["tables"].values()
        for r in rows
        for k, v in r.items()
        if k.endswith("_by_id")
    }
    assert len(document["tables"]["transactions"]) == 3

    kim = make_user(session, "kim")
    with tenancy.acting_as(session, kim.id):
        ledger_import.import_ledger(session, kim, exported)
    session.commit()
    with tenancy.acting_as(session, kim.id):
        for table in ledger_tables():
            if issubclass(table.model, Attributed):
                stamps = set(
                    session.execute(select(table.model.created_by_id, table.model.updated_by_id))
                )
                assert stamps <= {(kim.id, None)}, table.name
        assert session.scalars(select(Owner.login_id)).all() == [None] * len(
            session.scalars(select(Owner.id)).all()
        )
        assert session.scalar(select(func.count()).select_from(Transaction)) == 3
    session.rollback()
    # Importing into one's own ledger is one's own write: no member's entry.
    assert [e.ledger_user_id for e in audit_entries(session, "ledger.write")] == [alex.id]
    assert session.scalar(select(func.count()).select_from(AuditLog)) > 0


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_a_write_naming_the_table_instead_of_the_model_is_refused_for_everyone(
    session, household, role
):
    """``update(Transaction.__table__)`` would pass by the ledger's criteria and the role
    check alike, and change every ledger's rows: it is refused whoever acts."""
    alex, sam, vic = household
    kim = make_user(session, "kim")
    fill_household(session, kim, demo=False)
    before = rows_of(session, alex.id), rows_of(session, kim.id)
    actor = {"owner": alex, "editor": sam, "viewer": vic}[role]
    table = Transaction.__table__
    attempts = [
        lambda: session.execute(
            table.insert(), [{"date": DAY, "description": "Core", "amount": Decimal("-1")}]
        ),
        lambda: session.execute(update(table).values(description="Every ledger's")),
        lambda: session.execute(delete(Owner.__table__)),
        lambda: session.execute(delete(table).where(table.c.user_id == kim.id)),
    ]
    for attempt in attempts:
        with (
            tenancy.acting_as(session, alex.id, actor.id, role),
            pytest.raises(tenancy.TenancyError, match="through its model"),
        ):
            attempt()
        session.rollback()
    assert (rows_of(session, alex.id), rows_of(session, kim.id)) == before
    with tenancy.acting_as(session, kim.id):
        descriptions = session.scalars(select(Transaction.description)).all()
    session.rollback()
    assert "Every ledger's" not in descriptions


def test_an_insert_that_skips_taken_rows_counts_only_the_rows_it_added(session, household):
    """Categories and imports insert-or-skip (ON CONFLICT DO NOTHING): the audit says how
    many rows went in, not how many were offered; the caller still gets what it asked."""
    alex, sam, _ = household
    with tenancy.acting_as(session, alex.id, sam.id, "editor"):
        returned = writes.insert_new(
            session, Owner, [{"name": "Sam"}, {"name": "New one"}], Owner.name
        )
        assert [row.name for row in returned] == ["New one"]  # Sam is there already
        assert writes.insert_new(session, Owner, [{"name": "Sam"}, {"name": "Other"}]) == []
        assert writes.insert_new(session, Owner, [{"name": "Sam"}]) == []
    session.commit()
    [entry] = audit_entries(session, "ledger.write")
    assert entry.extra_data == {"added": {"owners": 2}}
    with tenancy.acting_as(session, alex.id):
        names = session.scalars(select(Owner.name).order_by(Owner.name)).all()
        stamps = set(session.scalars(select(Transaction.created_by_id)))
    session.rollback()
    assert names == ["New one", "Other", "Sam"]
    assert stamps == {alex.id}


def test_a_viewer_may_ask_what_copying_a_months_budgets_would_do(session, household):
    """The copy page's preview writes nothing, so a viewer may open it; its answer is what
    the owner's copy then does."""
    alex, _, vic = household
    with tenancy.acting_as(session, alex.id):
        budget = session.scalars(select(Budget)).one()
        source = (budget.year, budget.month)
    session.rollback()
    with tenancy.acting_as(session, alex.id, vic.id, "viewer"):
        preview = budgets.copy_month(session, source, (2026, 12), dry_run=True)
        again = budgets.copy_month(session, source, (2025, 1), dry_run=True)
    session.rollback()
    assert (preview.copied, preview.kept) == (1, 0)
    assert (again.copied, again.kept) == (1, 0)
    with tenancy.acting_as(session, alex.id):
        done = budgets.copy_month(session, source, (2026, 12))
        repeated = budgets.copy_month(session, source, (2026, 12), dry_run=True)
    session.commit()
    assert done == preview
    assert (repeated.copied, repeated.kept) == (0, 1)
    assert audit_entries(session, "ledger.write_refused") == []
