"""Building the OpenAPI document with the schemas shared (``api.schemas_shared_in_docs``,
which keeps flask-smorest from deep-copying them) gives the very document a plain build
gives."""

from __future__ import annotations

import json
import subprocess
import sys

from homeledger import create_app
from homeledger.config import TestConfig

PLAIN_BUILD = """
import contextlib, json, sys
import homeledger.api
homeledger.api.schemas_shared_in_docs = contextlib.nullcontext
from homeledger import create_app
from homeledger.config import TestConfig
app = create_app(TestConfig(sys.argv[1]))
print(json.dumps(app.test_client().get("/api/v1/openapi.json").get_json()))
"""


def test_sharing_schemas_while_documenting_changes_nothing_in_the_document(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    shared = create_app(TestConfig(url)).test_client().get("/api/v1/openapi.json").get_json()
    plain = subprocess.run(
        [sys.executable, "-c", PLAIN_BUILD, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(plain.stdout) == shared
    assert len(shared["paths"]) > 50
