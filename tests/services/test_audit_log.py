"""Reading the audit log: each filter narrows, pages walk the whole log, the CSV is the filter."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from homeledger import tenancy
from homeledger.models import AuditLog
from homeledger.services import audit_log, keyset
from homeledger.services.audit_log import AuditFilter
from homeledger.services.errors import NotFound, ValidationError
from tests.audit_entries import seed


@pytest.fixture
def log(session):
    seeded = seed(session)
    # An admin reads in their own ledger: audit entries are no ledger's, nothing is confined.
    tenancy.set_ledger(session, seeded.root.id)
    return seeded


def _walk(session, criteria: AuditFilter, limit: int = 7) -> list[int]:
    seen, cursor = [], None
    while True:
        page = audit_log.page(session, criteria, cursor=cursor, limit=limit)
        seen += [e.id for e in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def _expected(log, session, keep) -> list[int]:
    return [r.id for r in log.all(session) if keep(r)]


def test_the_whole_log_pages_newest_first_with_no_gap_or_repeat(log, session):
    everything = _expected(log, session, lambda r: True)
    assert len(everything) > 60
    assert _walk(session, AuditFilter()) == everything
    # Ties on the timestamp are broken by id, so a page boundary inside a tie loses nothing.
    assert _walk(session, AuditFilter(), limit=4) == everything


def test_paging_back_returns_the_same_pages(log, session):
    first = audit_log.page(session, AuditFilter(), limit=10)
    second = audit_log.page(session, AuditFilter(), cursor=first.next_cursor, limit=10)
    assert first.previous_cursor is None
    back = audit_log.page(session, AuditFilter(), cursor=second.previous_cursor, limit=10)
    assert [e.id for e in back.items] == [e.id for e in first.items]
    assert back.previous_cursor is None


def test_entries_written_while_paging_neither_repeat_nor_hide_one(log, session):
    everything = _expected(log, session, lambda r: True)
    first = audit_log.page(session, AuditFilter(), limit=10)
    session.add(AuditLog.entry("auth.login", actor_id=log.alex.id))
    session.commit()
    rest = []
    cursor = first.next_cursor
    while cursor:
        page = audit_log.page(session, AuditFilter(), cursor=cursor, limit=10)
        rest += [e.id for e in page.items]
        cursor = page.next_cursor
    assert [e.id for e in first.items] + rest == everything


@pytest.mark.parametrize(
    "name",
    ["actor", "ledger", "action", "prefix", "star", "outcome", "from", "to", "range", "all"],
)
def test_each_filter_narrows_to_exactly_its_entries(log, session, name):
    alex, sam = log.alex.id, log.sam.id
    march_10 = datetime(2026, 3, 10, tzinfo=UTC)
    march_20 = datetime(2026, 3, 21, tzinfo=UTC)  # the day after the 20th
    cases = {
        "actor": (AuditFilter(actor_id=alex), lambda r: r.actor_id == alex),
        "ledger": (AuditFilter(ledger_user_id=sam), lambda r: r.ledger_user_id == sam),
        "action": (AuditFilter(action="auth.login"), lambda r: r.action == "auth.login"),
        # "auth." is the auth events, not "authority.x"; "auth*" is both.
        "prefix": (AuditFilter(action="auth."), lambda r: r.action.startswith("auth.")),
        "star": (AuditFilter(action="auth*"), lambda r: r.action.startswith("auth")),
        "outcome": (AuditFilter(outcome="failure"), lambda r: r.outcome == "failure"),
        "from": (AuditFilter(date_from=date(2026, 3, 10)), lambda r: r.created_at >= march_10),
        "to": (AuditFilter(date_to=date(2026, 3, 20)), lambda r: r.created_at < march_20),
        "range": (
            AuditFilter(date_from=date(2026, 3, 10), date_to=date(2026, 3, 20)),
            lambda r: march_10 <= r.created_at < march_20,
        ),
        "all": (
            AuditFilter(
                actor_id=alex,
                ledger_user_id=alex,
                action="auth.",
                outcome="success",
                date_from=date(2026, 3, 1),
                date_to=date(2026, 4, 30),
            ),
            lambda r: (
                r.actor_id == alex
                and r.ledger_user_id == alex
                and r.action.startswith("auth.")
                and r.outcome == "success"
                and r.created_at >= datetime(2026, 3, 1, tzinfo=UTC)
            ),
        ),
    }
    criteria, keep = cases[name]
    expected = _expected(log, session, keep)
    everything = _expected(log, session, lambda r: True)
    assert 0 < len(expected) < len(everything)
    assert _walk(session, criteria) == expected
    assert [e.id for e in audit_log.stream(session, criteria)] == expected


def test_date_range_includes_both_whole_days_in_utc(session):
    entries = {}
    for label, moment in {
        "before": datetime(2026, 5, 31, 23, 59, 59, 999999, tzinfo=UTC),
        "first": datetime(2026, 6, 1, 0, 0, tzinfo=UTC),
        "last": datetime(2026, 6, 2, 23, 59, 59, 999999, tzinfo=UTC),
        "after": datetime(2026, 6, 3, 0, 0, tzinfo=UTC),
    }.items():
        entry = AuditLog.entry("auth.login", actor_name=label)
        entry.created_at = moment
        session.add(entry)
        session.flush()
        entries[entry.id] = label
    session.commit()
    page = audit_log.page(
        session, AuditFilter(date_from=date(2026, 6, 1), date_to=date(2026, 6, 2))
    )
    assert [entries[e.id] for e in page.items] == ["last", "first"]


def test_a_prefix_is_not_a_pattern(session):
    for action in ("a_b.x", "axb.x", "a%.y"):
        session.add(AuditLog.entry(action))
    session.commit()
    page = audit_log.page(session, AuditFilter(action="a_b."))
    assert [e.action for e in page.items] == ["a_b.x"]
    assert [e.action for e in audit_log.page(session, AuditFilter(action="a%")).items] == []


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        (AuditFilter(outcome="maybe"), "outcome"),
        (AuditFilter(action=""), "action"),
        (AuditFilter(action="x" * 65), "action"),
        (AuditFilter(action="auth\n.login"), "action"),
        (AuditFilter(action="a*b"), "action"),
        (AuditFilter(actor_id=0), "actor_id"),
        (AuditFilter(ledger_user_id=2**63), "ledger_user_id"),
        (AuditFilter(date_from=date(2026, 3, 2), date_to=date(2026, 3, 1)), "date_to"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(session, criteria, field):
    with pytest.raises(ValidationError) as refused:
        audit_log.page(session, criteria)
    assert field in refused.value.fields
    with pytest.raises(ValidationError):
        list(audit_log.stream(session, criteria))


def _cursor(parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        _cursor(["newest", "2026-03-01T06:00:00", 5]),  # no time zone
        _cursor(["newest", "not a time", 5]),
        _cursor(["newest", "2026-03-01T06:00:00+00:00", True]),
        _cursor(["newest", "2026-03-01T06:00:00+00:00", 0]),
        _cursor(["newest", "0001-01-01T00:00:00+14:00", 5]),
        _cursor(["date_desc", "2026-03-01", 5]),  # a transaction list's cursor
        _cursor(["newest", 5, 5]),
    ],
)
def test_a_forged_or_garbled_cursor_is_a_validation_error(session, cursor):
    with pytest.raises(ValidationError) as refused:
        audit_log.page(session, AuditFilter(), cursor=cursor)
    assert "cursor" in refused.value.fields


def test_a_cursor_keeps_its_time_zone_exactly(log, session):
    moment = datetime(2026, 3, 1, 6, 0, 0, 123456, tzinfo=UTC)
    cursor = keyset.encode("newest", "time", moment, 9)
    assert keyset.decode("newest", "time", cursor) == (moment, 9, keyset.AFTER)


def test_limit_is_bounded(session):
    for limit in (0, audit_log.MAX_PAGE + 1):
        with pytest.raises(ValidationError) as refused:
            audit_log.page(session, AuditFilter(), limit=limit)
        assert "limit" in refused.value.fields


def test_entries_carry_names_now_and_the_name_given(log, session):
    entries = {e.id: e for e in audit_log.stream(session, AuditFilter())}
    unknown = next(e for e in entries.values() if e.actor_id is None and e.actor_name)
    assert unknown.actor_name.startswith("=HYPERLINK")
    alex_row = next(e for e in entries.values() if e.actor_id == log.alex.id)
    assert alex_row.actor_name == "alex"
    one = audit_log.get(session, alex_row.id)
    assert one == alex_row
    assert one.details["password"] == "[redacted]"  # never stored, whatever a caller passed
    assert audit_log.page(session, AuditFilter(), limit=200).items == list(entries.values())


def test_an_unknown_entry_is_not_found(session):
    for entry_id in (1, 0, 2**63):
        with pytest.raises(NotFound):
            audit_log.get(session, entry_id)


def test_csv_has_a_header_and_exactly_the_filtered_rows(log, session):
    criteria = AuditFilter(ledger_user_id=log.sam.id, action="auth.")
    lines = list(audit_log.csv_lines(audit_log.stream(session, criteria)))
    table = list(csv.reader(io.StringIO("".join(lines))))
    assert table[0] == list(audit_log.CSV_COLUMNS)
    expected = _expected(
        log, session, lambda r: r.ledger_user_id == log.sam.id and r.action.startswith("auth.")
    )
    assert expected
    assert [int(row[0]) for row in table[1:]] == expected
    assert {row[5] for row in table[1:]} == {"sam"}
    assert all(json.loads(row[9])["password"] == "[redacted]" for row in table[1:])


def test_csv_keeps_a_formula_as_text(log, session):
    lines = audit_log.csv_lines(audit_log.stream(session, AuditFilter(action="auth.login")))
    table = list(csv.reader(io.StringIO("".join(lines))))
    names = {row[3] for row in table[1:]}
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(name.startswith("=") for name in names)


def test_an_export_is_audited_with_its_filter(log, session):
    criteria = AuditFilter(actor_id=log.alex.id, date_from=date(2026, 3, 1))
    audit_log.record_export(session, criteria, actor_id=log.root.id, ip_address="10.9.9.9")
    session.commit()
    newest = audit_log.page(session, AuditFilter(action="audit.export")).items
    assert len(newest) == 1
    assert newest[0].actor_id == log.root.id
    assert newest[0].details == {"filter": {"actor_id": log.alex.id, "date_from": "2026-03-01"}}


def test_a_bad_filter_records_no_export(session):
    with pytest.raises(ValidationError):
        audit_log.record_export(session, AuditFilter(outcome="nope"), actor_id=None)
    assert not session.new
