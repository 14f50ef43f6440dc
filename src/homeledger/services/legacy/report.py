"""What a legacy migration read, wrote, flagged and skipped, to the cent."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Problem:
    """A legacy row that could not be taken as it was."""

    table: str
    legacy_id: object
    value: object
    reason: str
    action: str  # "skipped" (left out) or "flagged" (imported, marked for review)


@dataclass
class TableCount:
    read: int = 0
    written: int = 0
    flagged: int = 0
    skipped: int = 0
    already_present: int = 0


@dataclass
class MigrationReport:
    source: str
    sha256: str
    username: str
    dry_run: bool
    already_migrated: bool = False
    counts: dict[str, TableCount] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)
    # Magnitudes by legacy type, of the rows whose amount and date were readable and unflagged.
    income_before: Decimal = ZERO
    expense_before: Decimal = ZERO
    income_after: Decimal = ZERO
    expense_after: Decimal = ZERO
    flagged_income: Decimal = ZERO
    flagged_expense: Decimal = ZERO
    notes: list[str] = field(default_factory=list)
    # (legacy key, date, amount, description) of the file's unflagged rows, for "after".
    clean_rows: Counter = field(default_factory=Counter, repr=False)

    def count(self, table: str) -> TableCount:
        return self.counts.setdefault(table, TableCount())

    def repaired(self, reason: str) -> None:
        self.repairs[reason] = self.repairs.get(reason, 0) + 1

    def problem(self, table: str, legacy_id, value, reason: str, action: str) -> None:
        self.problems.append(Problem(table, legacy_id, value, reason, action))
        counter = self.count(table)
        if action == "skipped":
            counter.skipped += 1
        else:
            counter.flagged += 1

    @property
    def sums_match(self) -> bool:
        return (self.income_before, self.expense_before) == (self.income_after, self.expense_after)

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["clean_rows"]
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = str(value)
        data["problems"] = [
            {**asdict(p), "value": None if p.value is None else str(p.value)} for p in self.problems
        ]
        data["sums_match"] = self.sums_match
        return data

    def as_text(self) -> str:
        lines = [
            f"Legacy migration of {self.source} for {self.username}"
            + (" (dry run: nothing written)" if self.dry_run else ""),
        ]
        if self.already_migrated:
            lines.append("This file was already migrated for this user: nothing new to add.")
        lines.append(
            f"{'table':<15}{'read':>8}{'written':>9}{'flagged':>9}{'skipped':>9}{'present':>9}"
        )
        for table, c in self.counts.items():
            lines.append(
                f"{table:<15}{c.read:>8}{c.written:>9}{c.flagged:>9}{c.skipped:>9}"
                f"{c.already_present:>9}"
            )
        lines.append("")
        lines.append(f"{'':<15}{'before':>16}{'after':>16}")
        lines.append(f"{'income':<15}{self.income_before:>16,}{self.income_after:>16,}")
        lines.append(f"{'expense':<15}{self.expense_before:>16,}{self.expense_after:>16,}")
        lines.append("Sums match to the cent." if self.sums_match else "SUMS DIFFER: see problems.")
        if self.flagged_income or self.flagged_expense:
            lines.append(
                f"Flagged rows (imported, marked for review): income "
                f"{self.flagged_income:,}, expense {self.flagged_expense:,}"
            )
        if self.repairs:
            lines.append(
                "Repaired: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.repairs.items()))
            )
        for problem in self.problems:
            lines.append(
                f"  {problem.action:<8} {problem.table} #{problem.legacy_id}: "
                f"{problem.reason} (value {problem.value!r})"
            )
        lines.extend(self.notes)
        return "\n".join(lines)


# The report's amounts (written as text by ``to_dict``) and a table's counts, by name:
# what a stored report holds, for the pages and checks that read one back.
MONEY_FIELDS = tuple(f.name for f in fields(MigrationReport) if isinstance(f.default, Decimal))
COUNT_FIELDS = tuple(f.name for f in fields(TableCount))
