"""What a ledger holds, found from the models: its tables, their references, their counts.

Export, import and "delete all my data" work from this list, never from a hand-written
one, so a ledger table added later (any model with the ``UserOwned`` mixin) is exported,
imported back and deleted with the rest. References between ledger rows come from the
tables' foreign keys: ``(user_id, category_id) -> categories(user_id, id)`` says that
``category_id`` holds a category's id, which an import must renumber.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import sort_tables

from homeledger.models import Base, UserOwned
from homeledger.services.table_rows import count_each

# References kept inside a JSON column, which no foreign key describes:
# (table, column) -> the table whose ids it names. An import batch's summary lists the
# rules it left out, by id (``{"skipped_rules": [{"id", "name", "reason"}]}``).
JSON_REFERENCES = {("import_batches", "summary"): "rules"}

# How a page names a table's rows: (one, many), in the order pages list them. A table
# missing here is named by its table name, last, so a new table is still shown.
_KINDS = {
    "transactions": ("transaction", "transactions"),
    "categories": ("category", "categories"),
    "owners": ("owner", "owners"),
    "rules": ("rule", "rules"),
    "budgets": ("budget", "budgets"),
    "commitments": ("bill", "bills"),
    "debts": ("debt", "debts"),
    "debt_payments": ("debt payment", "debt payments"),
    "savings_goals": ("savings goal", "savings goals"),
    "goal_contributions": ("goal contribution", "goal contributions"),
    "import_batches": ("past import", "past imports"),
    "import_profiles": ("saved CSV mapping", "saved CSV mappings"),
    "legacy_uploads": ("old desktop file upload", "old desktop file uploads"),
    "user_settings": ("settings", "settings"),
}


@dataclass(frozen=True)
class LedgerTable:
    """One ledger table: its model, and which of its columns hold ids of which table."""

    model: type
    references: dict[str, str]

    @property
    def table(self) -> Table:
        return self.model.__table__

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def people(self) -> frozenset[str]:
        """Columns naming a person of this server other than the ledger's owner (who
        entered a row, the login an owner is): an export leaves them out and an import
        ignores them, as another server's accounts are other people."""
        return frozenset(
            column.name
            for column in self.table.columns
            if column.name != "user_id"
            and any(key.column.table.name == "users" for key in column.foreign_keys)
        )


@functools.cache
def ledger_tables() -> tuple[LedgerTable, ...]:
    """Every ledger table, each after the tables its rows point at (the order to write
    them in; reversed, the order to delete them in)."""
    models = {
        mapper.local_table.name: mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, UserOwned)
    }
    tables = [Base.metadata.tables[name] for name in models]
    json_order = [
        (Base.metadata.tables[target], Base.metadata.tables[table])
        for (table, _), target in JSON_REFERENCES.items()
    ]
    ordered = sort_tables(sorted(tables, key=lambda t: t.name), extra_dependencies=json_order)
    return tuple(
        LedgerTable(models[table.name], _references(table, set(models))) for table in ordered
    )


def _references(table: Table, ledger: set[str]) -> dict[str, str]:
    """``{column: table}`` for each foreign key of ``table`` to another ledger table."""
    found = {}
    for key in table.foreign_key_constraints:
        if key.referred_table.name not in ledger:
            continue
        pairs = [(element.parent.name, element.column.name) for element in key.elements]
        own = [pair for pair in pairs if pair[0] != "user_id"]
        if len(own) != 1 or own[0][1] != "id":
            raise RuntimeError(f"{table.name}: a reference to {key.referred_table.name} by {pairs}")
        found[own[0][0]] = key.referred_table.name
    return found


def count_rows(session: Session) -> dict[str, int]:
    """How many rows the acting ledger has in each of its tables, in write order."""
    tables = ledger_tables()
    counted = count_each([table.table for table in tables])
    found = {i: count for i, count in session.execute(counted)}
    return {table.name: found[i] for i, table in enumerate(tables)}


def kind(name: str, count: int) -> str:
    """``count`` rows of table ``name`` as a page says it: "1 transaction", "3 bills"."""
    one, many = _KINDS.get(name, (name.replace("_", " "), name.replace("_", " ")))
    return f"{count:,} {one if count == 1 else many}"


def _shown(counts: dict[str, int]) -> list[str]:
    """The tables with rows, in the order pages list them (transactions first)."""
    order = list(_KINDS)
    return sorted(
        (name for name, count in counts.items() if count),
        key=lambda name: (order.index(name) if name in order else len(order), name),
    )


def for_people(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(what the rows are called, how many) of each table with rows, for a page's table."""
    return [
        (_KINDS.get(name, (name, name.replace("_", " ")))[1], counts[name])
        for name in _shown(counts)
    ]


def in_words(counts: dict[str, int], more: tuple[str, ...] = ()) -> str:
    """Non-zero counts (and ``more`` phrases) as one: "1,204 transactions, 3 owners and
    2 budgets"."""
    parts = [kind(name, counts[name]) for name in _shown(counts)] + list(more)
    if len(parts) <= 1:
        return "".join(parts) or "nothing"
    return ", ".join(parts[:-1]) + " and " + parts[-1]
