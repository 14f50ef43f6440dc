"""household sharing: ledger members, who entered and changed a row, owner <-> login

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 02:57:38.367688

The new columns are added with ALTER TABLE ... ADD COLUMN on both databases (SQLite
takes a REFERENCES clause on an added column that defaults to NULL), never by copying
a table: a copy on SQLite would lose the expression indexes it cannot reflect.
Rows from before this revision were all entered by their ledger's owner.
"""

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables of rows a person would ask "who entered this?" of (models.base.Attributed).
ATTRIBUTED = (
    "transactions",
    "budgets",
    "commitments",
    "debts",
    "debt_payments",
    "savings_goals",
    "goal_contributions",
)


def _add_person(table: str, column: str) -> None:
    """A nullable reference to a person, ``ON DELETE SET NULL``, without copying ``table``."""
    name = f"fk_{table}_{column}_users"
    if op.get_bind().dialect.name == "sqlite":
        # Alembic would ask for a batch copy to add the constraint; SQLite itself takes
        # it inline. The names are this module's constants, not input.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES users (id) ON DELETE SET NULL"
        )
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, "users", [column], ["id"], ondelete="SET NULL")


def upgrade() -> None:
    op.create_table(
        "ledger_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_user_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('editor', 'viewer')", name=op.f("ck_ledger_members_role")),
        sa.CheckConstraint(
            "ledger_user_id <> member_id", name=op.f("ck_ledger_members_not_oneself")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_ledger_members_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ledger_user_id"],
            ["users.id"],
            name=op.f("fk_ledger_members_ledger_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["users.id"],
            name=op.f("fk_ledger_members_member_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_members")),
        sa.UniqueConstraint(
            "ledger_user_id", "member_id", name=op.f("uq_ledger_members_ledger_user_id_member_id")
        ),
    )
    op.create_index(op.f("ix_ledger_members_member_id"), "ledger_members", ["member_id"])

    for table in ATTRIBUTED:
        _add_person(table, "created_by_id")
        _add_person(table, "updated_by_id")
        rows = sa.table(table, sa.column("user_id", sa.Integer), sa.column("created_by_id"))
        op.execute(rows.update().values(created_by_id=rows.c.user_id))

    _add_person("owners", "login_id")
    op.create_index(
        op.f("ix_owners_user_id_login_id"), "owners", ["user_id", "login_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_owners_user_id_login_id"), table_name="owners")
    for table, columns in (("owners", ["login_id"]), *((t, _ATTRIBUTION) for t in ATTRIBUTED)):
        with _indexes_kept(table), op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.drop_column(column)
    op.drop_index(op.f("ix_ledger_members_member_id"), table_name="ledger_members")
    op.drop_table("ledger_members")


_ATTRIBUTION = ["updated_by_id", "created_by_id"]


@contextmanager
def _indexes_kept(table: str) -> Iterator[None]:
    """On SQLite, dropping a column copies the table, and the copy would lose the
    indexes SQLAlchemy cannot read back (expressions, partial ones): take them off
    first, exactly as written, and put them back after."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    master = sa.table("sqlite_master", *(sa.column(c) for c in ("type", "tbl_name", "name", "sql")))
    indexes = bind.execute(
        sa.select(master.c.name, master.c.sql).where(
            master.c.type == "index", master.c.tbl_name == table, master.c.sql.is_not(None)
        )
    ).all()
    for name, _ in indexes:
        op.drop_index(name, table_name=table)
    with warnings.catch_warnings():
        # The copy reads the tables this one refers to (users' expression indexes too).
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        yield
    for _, sql in indexes:
        op.execute(sql)
