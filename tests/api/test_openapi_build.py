"""The OpenAPI document written when first asked for (``HomeledgerApi``) and with the
schemas shared while the endpoints are documented (``api.schemas_shared_in_docs``, which
keeps flask-smorest from deep-copying them) is the very document flask-smorest writes
plainly, at once."""

from __future__ import annotations

import json
import subprocess
import sys

from homeledger import create_app
from homeledger.config import TestConfig

PLAIN_BUILD = """
import contextlib, sys
import flask_smorest
import homeledger.api
homeledger.api.schemas_shared_in_docs = contextlib.nullcontext
homeledger.api.HomeledgerApi.register_blueprint = flask_smorest.Api.register_blueprint
from homeledger import create_app
from homeledger.config import TestConfig
app = create_app(TestConfig(sys.argv[1]))
sys.stdout.write(app.test_client().get("/api/v1/openapi.json").get_data(as_text=True))
"""


def test_the_document_is_the_one_written_plainly_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    client = create_app(TestConfig(url)).test_client()
    document = client.get("/api/v1/openapi.json").get_data(as_text=True)
    plain = subprocess.run(
        [sys.executable, "-c", PLAIN_BUILD, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert plain.stdout == document  # byte for byte, order included
    assert len(json.loads(document)["paths"]) > 50
