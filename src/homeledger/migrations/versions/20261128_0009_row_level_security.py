"""row-level security on every ledger table (PostgreSQL)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 13:00:00

A second wall under the ORM's scoping (``homeledger/row_security.py``): each ledger
table gets row-level security, enabled and forced (so the tables' owner is held to
it too, unless it is a superuser), and five policies. A row is visible when it
belongs to the transaction's acting ledger (``homeledger.ledger``) and the actor
(``homeledger.actor``) is that ledger's owner or holds a grant to it in
``ledger_members``; it may be written by the owner or an editor. ``homeledger.all_ledgers``
set to ``on`` opens every ledger (admin-wide work; see row_security.all_ledgers).

Every later table of ledger rows needs the same in its own migration: call
``protect(name)`` from here by copying it (migrations are frozen), or the test that
reads ``pg_policies`` for every ledger table fails. SQLite has no row-level security.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGER_TABLES = (
    "budgets",
    "categories",
    "commitments",
    "debt_payments",
    "debts",
    "goal_contributions",
    "import_batches",
    "import_profiles",
    "legacy_uploads",
    "owners",
    "rules",
    "savings_goals",
    "transactions",
    "user_settings",
)

_LEDGER = "nullif(current_setting('homeledger.ledger', true), '')::integer"
_ACTOR = "nullif(current_setting('homeledger.actor', true), '')::integer"


def _ledger_for(roles: str) -> str:
    """``user_id = (the acting ledger, if the actor is its owner or holds one of
    ``roles`` in it; else NULL)``. The subquery reads no column of the row, so it is
    evaluated once per statement, and the comparison is a plain equality the planner
    estimates like the app's own ``user_id = …`` (an OR here would hide the index)."""
    # This module's constants, not input.
    return (
        f"(user_id = (SELECT CASE WHEN {_ACTOR} = {_LEDGER} OR EXISTS ("  # noqa: S608 # nosec B608
        f"SELECT 1 FROM ledger_members AS grant_ WHERE grant_.ledger_user_id = {_LEDGER}"
        f" AND grant_.member_id = {_ACTOR} AND grant_.role IN ({roles})) THEN {_LEDGER} END))"
    )


READ = _ledger_for("'editor', 'viewer'")
WRITE = _ledger_for("'editor'")
# A second, permissive policy (policies are ORed): every ledger, for admin-wide work.
# A subquery again, so it is one value per statement beside the equality above.
EVERY_LEDGER = "((SELECT coalesce(current_setting('homeledger.all_ledgers', true), '') = 'on'))"
POLICIES = ("ledger_read", "ledger_insert", "ledger_update", "ledger_delete", "every_ledger")


def protect(table: str) -> None:
    # Table names are this module's constants, not input.
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY ledger_read ON {table} FOR SELECT USING {READ}")
    op.execute(f"CREATE POLICY ledger_insert ON {table} FOR INSERT WITH CHECK {WRITE}")
    op.execute(
        f"CREATE POLICY ledger_update ON {table} FOR UPDATE USING {WRITE} WITH CHECK {WRITE}"
    )
    op.execute(f"CREATE POLICY ledger_delete ON {table} FOR DELETE USING {WRITE}")
    op.execute(
        f"CREATE POLICY every_ledger ON {table} USING {EVERY_LEDGER} WITH CHECK {EVERY_LEDGER}"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in LEDGER_TABLES:
        protect(table)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in LEDGER_TABLES:
        for policy in POLICIES:
            op.execute(f"DROP POLICY {policy} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
