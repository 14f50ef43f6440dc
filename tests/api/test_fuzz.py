"""Every operation of the API's OpenAPI document fuzzed with schemathesis, valid and invalid
input, signed in: never a 5xx, every answer one the document describes (status, content
type, headers, body), invalid input refused with a 4xx. `make fuzz` sends more cases."""

from __future__ import annotations

import re

import pytest
from schemathesis import GenerationMode

from homeledger.extensions import db
from tests.api.fuzzing import (
    OPENAPI,
    REPORT,
    Fuzzer,
    can_be_negated,
    fuzz_app,
    load_schema,
    operations,
)

SHARDS = 2  # the operations split in two, so two test processes share the work
VARIABLE, AS_OPENAPI = re.compile(r"<(?:\w+:)?(\w+)>"), r"{\1}"  # <int:debt_id> -> {debt_id}
UNDOCUMENTED = {OPENAPI, "/api/v1/docs"}  # the document itself and its viewer


@pytest.fixture
def fuzz(db_url, session):
    app = fuzz_app(db_url)
    fuzzer = Fuzzer(app, session)
    fuzzer.seed()
    yield fuzzer
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_document_has_every_api_route_of_the_url_map(app):
    routes = {
        f"{method} {VARIABLE.sub(AS_OPENAPI, rule.rule)}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule not in UNDOCUMENTED
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {operation.label for operation in operations(load_schema(app))}
    assert routes == documented
    assert len(documented) > 100


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_operation_answers_as_documented(fuzz, shard, request):
    every = operations(load_schema(fuzz.app))
    mine = every[shard::SHARDS]
    for operation in mine:
        fuzz.fuzz(operation, GenerationMode.POSITIVE)
        if can_be_negated(operation):
            fuzz.fuzz(operation, GenerationMode.NEGATIVE)
    if REPORT:
        with open(REPORT, "a") as report:
            report.write(
                f"{fuzz.cases} cases, {len(mine)}/{len(every)} operations"
                f" ({len(fuzz.accepted)} of them answered a 2xx) {request.node.name}\n"
            )
    assert fuzz.failures == [], "\n\n".join(fuzz.failures)
    assert set(fuzz.sent) == {operation.label for operation in mine}
