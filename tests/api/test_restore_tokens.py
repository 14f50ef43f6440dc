"""A restore leaves tokens out of the file, revocations too: so no access token from
before it works after it, whether it was live or signed out (the same signing key)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.services import backup
from tests.conftest import api_login, bearer
from tests.factories import make_user


def _restore_into(app, second_db_url):
    with app.app_context():
        document = json.loads("".join(backup.write(db.engine)))
    engine = create_engine(second_db_url)
    with Session(engine) as restoring:
        backup.restore(restoring, document, actor_name="test")
        restoring.commit()
    engine.dispose()
    restored = create_app(TestConfig(second_db_url))
    # The same server restored: its keys are the same.
    restored.config["JWT_SECRET_KEY"] = app.config["JWT_SECRET_KEY"]
    restored.config["SECRET_KEY"] = app.config["SECRET_KEY"]
    return restored


@pytest.mark.parametrize("signed_out", [False, True], ids=["live", "signed-out"])
def test_no_access_token_from_before_a_restore_works_after_it(
    app, client, session, second_db_url, signed_out
):
    make_user(session, "alex")
    signed_in = api_login(client, "alex").get_json()
    token = bearer(signed_in["access_token"])
    assert client.get("/api/v1/me/settings", headers=token).status_code == 200
    if signed_out:
        out = client.post(
            "/api/v1/auth/logout", headers=token, json={"refresh_token": signed_in["refresh_token"]}
        )
        assert out.status_code in (200, 204)
        assert client.get("/api/v1/me/settings", headers=token).status_code == 401

    restored = _restore_into(app, second_db_url)
    try:
        test_client = restored.test_client()
        again = test_client.get("/api/v1/me/settings", headers=token)
        assert again.status_code == 401 and again.get_json()["error"]["code"] == "token_revoked"
        # Signing in again works: the password came back with the account.
        fresh = api_login(test_client, "alex").get_json()["access_token"]
        assert test_client.get("/api/v1/me/settings", headers=bearer(fresh)).status_code == 200
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
