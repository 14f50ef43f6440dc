"""Categorisation rules: matching, priority, bounded regexes, applying to history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Rule, Transaction
from homeledger.services import categories, rules
from homeledger.services.errors import ValidationError
from homeledger.services.rules import Matcher, RuleSpec
from tests.factories import add_transactions, category_id, make_user


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _rule(session, pattern, category, match_type="contains", **extra):
    return rules.create_rule(
        session,
        RuleSpec(
            name=pattern,
            pattern=pattern,
            match_type=match_type,
            set_category_id=category_id(session, category),
            **extra,
        ),
    )


@pytest.mark.parametrize(
    ("match_type", "pattern", "description", "matches"),
    [
        ("contains", "woolworths", "EFTPOS WOOLWORTHS 1234", True),
        ("starts_with", "eftpos", "EFTPOS WOOLWORTHS", True),
        ("starts_with", "woolworths", "EFTPOS WOOLWORTHS", False),
        ("equals", "netflix.com", "NETFLIX.COM", True),
        ("regex", r"^shell \d{4}$", "SHELL 0421", True),
        ("regex", r"^shell \d{4}$", "SHELL 0421 SYDNEY", False),
    ],
)
def test_match_types(session, alex, match_type, pattern, description, matches):
    _rule(session, pattern, "Transport", match_type)
    rule = Matcher.for_ledger(session).first_match(description, Decimal("-1"), None)
    assert (rule is not None) == matches


def test_priority_amount_and_account_conditions(session, alex):
    _rule(session, "amazon", "Shopping", priority=50)
    _rule(
        session,
        "amazon",
        "Subscriptions",
        priority=10,
        amount_min=Decimal("-10"),
        amount_max=Decimal("-5"),
    )
    _rule(session, "amazon", "Entertainment", priority=1, account="Kids card")
    matcher = Matcher.for_ledger(session)
    names = {r.id: r.name for r in rules.list_rules(session)}

    def category_for(amount, account=None):
        rule = matcher.first_match("AMAZON MKTPLACE", Decimal(amount), account)
        return rule.set_category_id

    assert category_for("-6.99") == category_id(session, "Subscriptions")
    assert category_for("-60.00") == category_id(session, "Shopping")
    assert category_for("-60.00", "kids card") == category_id(session, "Entertainment")
    assert len(names) == 3


def saved_before_the_check(session, pattern: str, category: str = "Shopping", priority=1):
    """A regex rule as a ledger may hold from before patterns were checked when saved."""
    rule = Rule(
        name=f"old {pattern}",
        pattern=pattern,
        match_type="regex",
        priority=priority,
        set_category_id=category_id(session, category),
    )
    session.add(rule)
    session.flush()
    return rule


def test_a_catastrophic_regex_cannot_stall_matching(session, alex):
    rule = saved_before_the_check(session, r"^(\w+\s?)*$")
    fallback = _rule(session, "!", "Transport", priority=2)
    hostile = "a" * 5000 + "!"
    matcher = Matcher.for_ledger(session)

    found = [matcher.first_match(hostile, Decimal("-1"), None) for _ in range(5)]

    # Each timeout counts as no match, so the next rule gets the row.
    assert found == [fallback] * 5
    (skipped,) = matcher.skipped_rules
    assert (skipped.id, skipped.name) == (rule.id, rule.name)
    assert skipped.reason.startswith(
        f"its regular expression timed out {rules.REGEX_STRIKES} times"
    )


def test_once_the_runs_budget_is_spent_a_rule_is_skipped_at_its_first_timeout(session, alex):
    saved_before_the_check(session, r"^(a|aa)+$")
    matcher = Matcher(rules.list_rules(session), budget=0.01)

    assert matcher.first_match("a" * 40 + "b", Decimal("-1"), None) is None

    (skipped,) = matcher.skipped_rules
    assert "timed out after this run's 0.01 s for regular expressions was used up" in (
        skipped.reason
    )


def test_a_rule_slow_without_timing_out_is_skipped_past_its_share_of_the_budget(session, alex):
    """On a clock that says each match takes 1/128 s: a 1 s budget and a single regex rule."""
    slow = saved_before_the_check(session, "^shop")
    fallback = _rule(session, "shop", "Transport", priority=2)
    ticks = iter(range(10_000))
    matcher = Matcher(rules.list_rules(session), budget=1.0, clock=lambda: next(ticks) / 128)

    found = [matcher.first_match(f"SHOP {n}", Decimal("-1"), None) for n in range(150)]

    # 128 matches spend the budget; the 129th takes the rule past its share (all of it).
    assert found == [slow] * 129 + [fallback] * 21
    (skipped,) = matcher.skipped_rules
    assert skipped.reason == (
        "its regular expression used more than its share of this run's 1 s for regular expressions"
    )


CATASTROPHIC = [
    r"(a|aa)+",
    r"^(a|aa)+$",
    r"(a+)+",
    r"(.*)*",
    r"(\w+\s?)*",
    r"^(\w+\s?)*$",
    r"((ab)+)+",
    r"(\w|\d)+",
    r"(?:x+x+)+y",
    r"(a+){10}",
]
ORDINARY = [
    r"^(tesco|sainsbury)",
    r"uber\s*\*?eats",
    r"(coffee|cafe)s?",
    r"^shell \d{4}$",
    r"amzn\s+mktp",
    r"^(mr|mrs|ms)\.? ",
    r"(\d{3},)*\d{3}",
    r"(tesco|sainsbury)+",
    r"\(a+\)+",
    r"[(a+)+]",
    r"(\w++\s?)*",
    r"(?>\w+\s?)*",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_patterns_that_may_take_exponential_time_are_refused(session, alex, pattern):
    with pytest.raises(ValidationError) as refused:
        _rule(session, pattern, "Shopping", "regex")
    assert refused.value.fields["pattern"].startswith("may take exponential time: a repeated group")


@pytest.mark.parametrize("pattern", ORDINARY)
def test_ordinary_patterns_are_accepted(session, alex, pattern):
    assert _rule(session, pattern, "Shopping", "regex").pattern == pattern


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(?:a{1000}){2}", "repeats something 1000 times; at most 100 are allowed"),
        (r"x{0,101}", "repeats something 101 times"),
        (r"(?:(?:a{100}){100}){2}", "too many counted repeats"),
    ],
)
def test_counted_repeats_that_would_take_too_much_memory_are_refused(
    session, alex, pattern, reason
):
    """(?:a{65535}){100} takes gigabytes to compile: refused before it is ever compiled."""
    with pytest.raises(ValidationError) as refused:
        _rule(session, pattern, "Shopping", "regex")
    assert reason in refused.value.fields["pattern"]


def test_a_saved_pattern_too_big_to_compile_is_skipped_not_compiled(session, alex):
    rule = saved_before_the_check(session, r"(?:a{1000}){2}")
    matcher = Matcher.for_ledger(session)
    assert matcher.first_match("a" * 2000, Decimal("-1"), None) is None
    (skipped,) = matcher.skipped_rules
    assert skipped.id == rule.id and "repeats something 1000 times" in skipped.reason


def test_an_edit_cannot_bring_in_a_catastrophic_pattern(session, alex):
    rule = _rule(session, "^shell", "Transport", "regex")
    spec = RuleSpec(
        name="fuel",
        pattern=r"^(\w+\s?)*$",
        match_type="regex",
        set_category_id=category_id(session, "Transport"),
    )
    with pytest.raises(ValidationError, match="contains a repeat"):
        rules.update_rule(session, rule.id, spec)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (dict(pattern="(unclosed", match_type="regex"), "pattern"),
        (dict(pattern="x" * 201), "pattern"),
        (dict(pattern="x", match_type="glob"), "match_type"),
        (dict(pattern="x", amount_min=Decimal("5"), amount_max=Decimal("1")), "amount_max"),
        (dict(pattern="x", amount_min=Decimal("10000000000")), "amount_min"),
        (dict(pattern="x", amount_max=Decimal("1.001")), "amount_max"),
    ],
)
def test_bad_rules_are_refused(session, alex, spec, field):
    with pytest.raises(ValidationError) as excinfo:
        rules.create_rule(
            session, RuleSpec(name="r", set_category_id=category_id(session, "Shopping"), **spec)
        )
    assert field in excinfo.value.fields


def test_a_rule_must_set_something(session, alex):
    with pytest.raises(ValidationError):
        rules.create_rule(session, RuleSpec(name="r", pattern="x"))


def test_apply_to_history_previews_then_applies_and_records_the_rule(session, alex):
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 1), "SHELL 0421", "-60.00", None),
            (date(2026, 3, 2), "SHELL 0999", "-55.00", None),
            (date(2026, 3, 3), "SHELL 0421", "-70.00", "Groceries"),  # categorised by hand
            (date(2026, 3, 4), "Bakery", "-5.00", None),
        ],
    )
    tenancy.set_ledger(session, alex.id)
    joint = categories.create_owner(session, "Joint")
    rule = rules.create_rule(
        session,
        RuleSpec(
            name="fuel",
            pattern="shell",
            set_category_id=category_id(session, "Transport"),
            set_owner_id=joint.id,
        ),
    )

    preview = rules.changes_over_history(session)
    assert preview.changed == 2 and preview.skipped_rules == []
    assert (
        session.scalars(select(Transaction.rule_id).where(Transaction.rule_id.is_not(None))).all()
        == []
    )  # a preview writes nothing

    assert rules.apply_to_history(session).changed == 2
    session.commit()
    shell = session.scalars(
        select(Transaction).where(Transaction.description.like("SHELL%")).order_by(Transaction.date)
    ).all()
    transport, groceries = category_id(session, "Transport"), category_id(session, "Groceries")
    assert [(t.category_id, t.rule_id, t.owner_id) for t in shell] == [
        (transport, rule.id, joint.id),
        (transport, rule.id, joint.id),
        (groceries, None, None),
    ]
    assert rules.apply_to_history(session).changed == 0  # nothing left to change


def test_deleting_a_rule_keeps_the_categories_it_set(session, alex):
    add_transactions(session, alex, [(date(2026, 3, 1), "SHELL", "-60.00", None)])
    tenancy.set_ledger(session, alex.id)
    rule = _rule(session, "shell", "Transport")
    rules.apply_to_history(session)
    rules.delete_rule(session, rule.id)
    session.commit()
    row = session.scalars(select(Transaction)).one()
    assert (row.category_id, row.rule_id) == (category_id(session, "Transport"), None)


def test_a_rule_that_only_sets_the_owner_does_not_claim_the_category(session, alex):
    add_transactions(session, alex, [(date(2026, 3, 1), "SHELL", "-60.00", None)])
    tenancy.set_ledger(session, alex.id)
    joint = categories.create_owner(session, "Joint")
    rules.create_rule(session, RuleSpec(name="joint", pattern="shell", set_owner_id=joint.id))
    assert rules.apply_to_history(session).changed == 1
    session.commit()
    row = session.scalars(select(Transaction)).one()
    assert (row.owner_id, row.rule_id) == (joint.id, None)
