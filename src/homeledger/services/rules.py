"""Categorisation rules: "description contains X (and amount, account...) -> category, owner".

Rules run in priority order (lowest number first; ties by age) and the first
match wins. They run on import and, on demand, over history. A row remembers
which rule set its category, so people can see why.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import regex
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from homeledger.models import Category, Owner, Rule, Transaction
from homeledger.models.transactions import RULE_MATCH_TYPES
from homeledger.services.amounts import amount_problem
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.rule_patterns import exponential_risk, size_problem

# A regular expression gets this long to match one description, then counts as no match;
# a pattern that would backtrack for minutes cannot stall an import.
REGEX_TIMEOUT_SECONDS = 0.05
# All the regular-expression matching of one run (an import, a rules run) gets this long.
REGEX_BUDGET_SECONDS = 2.0
# A rule that times out this often is left out of the rest of the run.
REGEX_STRIKES = 2
# Past the budget, a match still gets this long (ordinary patterns need microseconds).
_LATE_TIMEOUT_SECONDS = 0.005
MAX_PATTERN = 200


@dataclass(frozen=True)
class RuleSpec:
    name: str
    pattern: str
    match_type: str = "contains"
    priority: int = 100
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    account: str | None = None
    set_category_id: int | None = None
    set_owner_id: int | None = None
    is_active: bool = True


def _compile(pattern: str) -> tuple[regex.Pattern | None, str | None]:
    """The compiled pattern, or None and why it cannot be (too big to compile, or invalid).

    The size is checked first: compiling a huge counted repeat takes gigabytes.
    """
    if too_big := size_problem(pattern):
        return None, too_big
    try:
        return regex.compile(pattern, regex.IGNORECASE), None
    except regex.error as exc:
        return None, f"is not a valid regular expression ({exc})"


def _validate(session: Session, spec: RuleSpec) -> None:
    problems: dict[str, str] = {}
    if not spec.name.strip() or len(spec.name) > 100:
        problems["name"] = "is required (at most 100 characters)"
    if not spec.pattern or len(spec.pattern) > MAX_PATTERN:
        problems["pattern"] = f"is required (at most {MAX_PATTERN} characters)"
    elif spec.match_type == "regex":
        _, problem = _compile(spec.pattern)
        problem = problem or exponential_risk(spec.pattern)  # only for a pattern that compiles
        if problem:
            problems["pattern"] = problem
    if spec.match_type not in RULE_MATCH_TYPES:
        problems["match_type"] = f"must be one of {', '.join(RULE_MATCH_TYPES)}"
    if not -1_000_000 <= spec.priority <= 1_000_000:
        problems["priority"] = "must be between -1000000 and 1000000"
    for name in ("amount_min", "amount_max"):
        value = getattr(spec, name)
        if value is not None and (problem := amount_problem(value)):
            problems[name] = problem
    if (
        not problems.keys() & {"amount_min", "amount_max"}
        and spec.amount_min is not None
        and spec.amount_max is not None
        and spec.amount_min > spec.amount_max
    ):
        problems["amount_max"] = "must not be below the minimum"
    if spec.set_category_id is None and spec.set_owner_id is None:
        problems["set_category_id"] = "a rule must set a category, an owner or both"
    if spec.set_category_id is not None and fetch(session, Category, spec.set_category_id) is None:
        problems["set_category_id"] = "is not one of your categories"
    if spec.set_owner_id is not None and fetch(session, Owner, spec.set_owner_id) is None:
        problems["set_owner_id"] = "is not one of your household's owners"
    if problems:
        raise ValidationError(problems)


def create_rule(session: Session, spec: RuleSpec) -> Rule:
    _validate(session, spec)
    rule = Rule(**{**spec.__dict__, "name": spec.name.strip()})
    session.add(rule)
    session.flush()
    return rule


def update_rule(session: Session, rule_id: int, spec: RuleSpec) -> Rule:
    rule = get_rule(session, rule_id)
    _validate(session, spec)
    for key, value in spec.__dict__.items():
        setattr(rule, key, value.strip() if key == "name" else value)
    session.flush()
    return rule


def delete_rule(session: Session, rule_id: int) -> None:
    rule = get_rule(session, rule_id)
    # Rows it categorised keep their category; they just no longer point at the rule.
    session.execute(
        update(Transaction)
        .where(Transaction.rule_id == rule.id)
        .values(rule_id=None)
        .execution_options(synchronize_session=False)
    )
    session.delete(rule)
    session.flush()


def get_rule(session: Session, rule_id: int) -> Rule:
    rule = fetch(session, Rule, rule_id)
    if rule is None:
        raise NotFound(f"no rule {rule_id}")
    return rule


def list_rules(session: Session) -> list[Rule]:
    return list(session.scalars(select(Rule).order_by(Rule.priority, Rule.id)))


@dataclass(frozen=True)
class SkippedRule:
    """A rule left out of a run, and why."""

    id: int
    name: str
    reason: str

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "reason": self.reason}


class Matcher:
    """The active rules of a ledger, compiled once, applied to the rows of one run.

    Regular expressions are bounded three ways. Each match may take
    ``REGEX_TIMEOUT_SECONDS``, then counts as no match. A rule whose matches time
    out ``REGEX_STRIKES`` times is left out of the rest of the run. And the run's
    matching gets ``REGEX_BUDGET_SECONDS`` in all: once it is spent, a rule is left
    out at its next timeout, or when it has used more than its share. Left-out
    rules are in ``skipped_rules``, with the reason, for the person to see.

    The regex module's timeout counts the thread's CPU time; on a busy machine a
    match can take several times longer on the clock, so the budget and the
    strikes are counted on the clock, which is what people wait for.
    """

    def __init__(
        self,
        rules: Iterable[Rule],
        *,
        budget: float = REGEX_BUDGET_SECONDS,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.rules = [rule for rule in rules if rule.is_active]
        self._budget, self._clock = budget, clock
        self._spent = 0.0
        self._spent_by: Counter[int] = Counter()
        self._timeouts: Counter[int] = Counter()
        self._skipped: dict[int, SkippedRule] = {}
        self._compiled = {}
        for rule in self.rules:
            if rule.match_type != "regex":
                continue
            compiled, problem = _compile(rule.pattern)
            if problem:  # saved before today's checks
                self._skip(rule, f"its pattern {problem}")
            else:
                self._compiled[rule.id] = compiled

    @classmethod
    def for_ledger(cls, session: Session) -> Matcher:
        return cls(list_rules(session))

    @property
    def skipped_rules(self) -> list[SkippedRule]:
        return list(self._skipped.values())

    def _skip(self, rule: Rule, reason: str) -> None:
        self._skipped[rule.id] = SkippedRule(rule.id, rule.name, reason)

    def _text_matches(self, rule: Rule, description: str) -> bool:
        text = description.lower()
        pattern = rule.pattern.lower()
        if rule.match_type == "contains":
            return pattern in text
        if rule.match_type == "starts_with":
            return text.startswith(pattern)
        if rule.match_type == "equals":
            return text.strip() == pattern.strip()
        return self._regex_matches(rule, description)

    def _regex_matches(self, rule: Rule, description: str) -> bool:
        left = self._budget - self._spent
        limit = min(REGEX_TIMEOUT_SECONDS, max(left, _LATE_TIMEOUT_SECONDS))
        started = self._clock()
        try:
            found = self._compiled[rule.id].search(description, timeout=limit) is not None
            timed_out = False
        except TimeoutError:
            found, timed_out = False, True
        took = self._clock() - started
        self._spent += took
        self._spent_by[rule.id] += took
        slow = timed_out or took > REGEX_TIMEOUT_SECONDS
        if slow:
            self._timeouts[rule.id] += 1
        budget = f"this run's {self._budget:g} s for regular expressions"
        if self._timeouts[rule.id] >= REGEX_STRIKES:
            self._skip(
                rule,
                f"its regular expression timed out {self._timeouts[rule.id]} times "
                f"(a match may take {REGEX_TIMEOUT_SECONDS * 1000:g} ms)",
            )
        elif slow and self._spent >= self._budget:
            self._skip(rule, f"its regular expression timed out after {budget} was used up")
        elif self._spent >= self._budget and self._spent_by[rule.id] > self._budget / len(
            self._compiled
        ):
            self._skip(rule, f"its regular expression used more than its share of {budget}")
        return found

    def first_match(self, description: str, amount: Decimal, account: str | None) -> Rule | None:
        for rule in self.rules:
            if rule.id in self._skipped:
                continue
            if rule.amount_min is not None and amount < rule.amount_min:
                continue
            if rule.amount_max is not None and amount > rule.amount_max:
                continue
            if rule.account and (account or "").lower() != rule.account.lower():
                continue
            if self._text_matches(rule, description or ""):
                return rule
        return None


@dataclass(frozen=True)
class HistoryChange:
    transaction_id: int
    rule_id: int | None
    category_id: int | None
    owner_id: int | None


@dataclass(frozen=True)
class HistoryRun:
    """What a run of the rules over existing transactions changes, and the rules it left out."""

    changes: list[HistoryChange]
    skipped_rules: list[SkippedRule]

    @property
    def changed(self) -> int:
        return len(self.changes)


def changes_over_history(session: Session, *, only_uncategorised: bool = True) -> HistoryRun:
    """What applying the rules to existing transactions would change (nothing is written)."""
    matcher = Matcher.for_ledger(session)
    if not matcher.rules:
        return HistoryRun([], [])
    query = select(
        Transaction.id,
        Transaction.description,
        Transaction.amount,
        Transaction.account,
        Transaction.category_id,
        Transaction.owner_id,
        Transaction.rule_id,
    )
    if only_uncategorised:
        query = query.where(Transaction.category_id.is_(None))
    changes = []
    for row_id, description, amount, account, category_id, owner_id, rule_id in session.execute(
        query.execution_options(yield_per=2000)
    ):
        rule = matcher.first_match(description, amount, account)
        if rule is None:
            continue
        new_category = rule.set_category_id if rule.set_category_id is not None else category_id
        new_owner = rule.set_owner_id if rule.set_owner_id is not None else owner_id
        # rule_id answers "why this category?": only a rule that set the category claims it.
        new_rule = rule.id if rule.set_category_id is not None else rule_id
        if (new_category, new_owner) != (category_id, owner_id):
            changes.append(HistoryChange(row_id, new_rule, new_category, new_owner))
    return HistoryRun(changes, matcher.skipped_rules)


def apply_to_history(session: Session, *, only_uncategorised: bool = True) -> HistoryRun:
    """Apply the rules to existing transactions; returns what changed."""
    run = changes_over_history(session, only_uncategorised=only_uncategorised)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for change in run.changes:
        groups[(change.rule_id, change.category_id, change.owner_id)].append(change.transaction_id)
    for (rule_id, category_id, owner_id), ids in groups.items():
        for start in range(0, len(ids), 500):
            session.execute(
                update(Transaction)
                .where(Transaction.id.in_(ids[start : start + 500]))
                .values(category_id=category_id, owner_id=owner_id, rule_id=rule_id)
                .execution_options(synchronize_session=False)
            )
    session.expire_all()
    return run
