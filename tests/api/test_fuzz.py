"""Every operation of the API's OpenAPI document fuzzed with schemathesis, valid and invalid
input, signed in: never a 5xx, every answer one the document describes (status, content
type, headers, body), invalid input refused with a 4xx. `make fuzz` runs more cases."""

from __future__ import annotations

import pytest
from schemathesis import GenerationMode

from tests.api.fuzzing import (
    EXAMPLES,
    Fuzzer,
    can_be_negated,
    fuzz_app,
    load_schema,
    operations,
    shards,
)

SHARDS = 2
FUZZED: dict[str, int] = {}


@pytest.fixture
def fuzz(db_url, session):
    app = fuzz_app(db_url)
    fuzzer = Fuzzer(app, session)
    fuzzer.seed()
    yield fuzzer
    from homeledger.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_operation_answers_as_documented(fuzz, shard):
    schema = load_schema(fuzz.app)
    for operation in list(shards(operations(schema), SHARDS))[shard]:
        fuzz.fuzz(operation, GenerationMode.POSITIVE)
        if can_be_negated(operation):
            fuzz.fuzz(operation, GenerationMode.NEGATIVE)
    print(f"\nfuzzed shard {shard}: {fuzz.cases} cases, {EXAMPLES} per operation and mode")
    assert fuzz.failures == [], "\n\n".join(fuzz.failures)
