"""row-level security on every ledger table (PostgreSQL)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 13:00:00

A second wall under the ORM's scoping (``homeledger/row_security.py``): each ledger
table gets row-level security, enabled and forced (so the tables' owner is held to
it too, unless it is a superuser), and four policies. A row is visible when it
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
_ALL = "coalesce(current_setting('homeledger.all_ledgers', true), '') = 'on'"


def _may(roles: str) -> str:
    """Rows of the acting ledger, for its owner or a member with one of ``roles``.
    The grant is looked up once per statement (nothing in it depends on the row)."""
    # This module's constants, not input.
    return (
        f"({_ALL} OR (user_id = {_LEDGER} AND ({_ACTOR} = {_LEDGER} OR EXISTS ("  # noqa: S608 # nosec B608
        f"SELECT 1 FROM ledger_members AS grant_ WHERE grant_.ledger_user_id = {_LEDGER}"
        f" AND grant_.member_id = {_ACTOR} AND grant_.role IN ({roles})))))"
    )


READ = _may("'editor', 'viewer'")
WRITE = _may("'editor'")


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


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in LEDGER_TABLES:
        protect(table)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in LEDGER_TABLES:
        for policy in ("ledger_read", "ledger_insert", "ledger_update", "ledger_delete"):
            op.execute(f"DROP POLICY {policy} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
