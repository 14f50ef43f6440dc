"""Schemathesis against the app's own OpenAPI document, in process: every operation sent
generated requests, valid (positive) and invalid (negative), as a signed-in admin whose
ledger holds one row of every kind; each answer checked against the document.

Operations that end the token or the data the others need (sign out, password change,
delete everything, leave a ledger, ...) run last; whenever a token stops working the user
is put back (active, admin, no temporary password, wizard done) and signs in again, so
the next request is authenticated. Sign-in limits are raised for the fuzzing app (the
fuzzer signs in again after every sign-out); a 429 would still have to be documented.
"""

from __future__ import annotations

import os
import traceback
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.models import User
from homeledger.services import onboarding
from homeledger.services.passwords import hash_password
from tests.conftest import api_login, bearer
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.shared_ledgers import old_desktop_file, seed_ledger, share

OPENAPI = "/api/v1/openapi.json"
WIZARD = "/api/v1/onboarding"
ME = {"alex": "/api/v1/me", "robin": WIZARD}  # what each fuzzing user may always read
# Examples per operation and generation mode; `make fuzz` raises it.
EXAMPLES = int(os.environ.get("HOMELEDGER_FUZZ_EXAMPLES", "3"))
# Every generated request of a run is the same from one run to the next unless this is set
# (`make fuzz` sets it: a new sample every time, its seed printed).
SEED = os.environ.get("HOMELEDGER_FUZZ_SEED")
# A file each test appends the number of cases it sent to (`make fuzz` adds them up).
REPORT = os.environ.get("HOMELEDGER_FUZZ_REPORT")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Invalid input may be refused with any 4xx (but never accepted, never a 5xx).
# The bearer token is the fuzzer's own (sent with every case), not generated.
CONFIG = {
    "checks": {"negative_data_rejection": {"expected-statuses": ["4XX"]}},
    "generation": {"with-security-parameters": False},
}
LIMITS = {
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "LOGIN_DEVICE_RATE_LIMIT": "100000 per minute",
    "REFRESH_RATE_LIMIT": "100000 per minute",
    "PASSWORD_CHANGE_RATE_LIMIT": "100000 per minute",
}
# Operations that end the caller's token, the caller's data or their place in a ledger:
# sent after every other operation, in this order.
LAST = (
    "DELETE /api/v1/ledger/members/{user_id}",
    "PATCH /api/v1/admin/users/{user_id}",
    "POST /api/v1/admin/users/{user_id}/invite",
    "POST /api/v1/onboarding/join",
    "POST /api/v1/ledgers/{ledger_id}/leave",
    "POST /api/v1/me/import",
    "POST /api/v1/legacy-uploads/{upload_id}/apply",
    "POST /api/v1/me/delete-data",
    "POST /api/v1/me/password",
    "POST /api/v1/auth/logout",
)
# A 401 or 403 with one of these codes: the fuzzer's own account was changed under it.
LOCKED_OUT = {
    "auth_required",
    "token_expired",
    "token_invalid",
    "token_revoked",
    "account_inactive",
    "password_change_required",
    "onboarding_required",
    "admin_required",
}


def fuzz_app(db_url: str) -> Flask:
    return create_app(TestConfig(db_url, **LIMITS))


def load_schema(app: Flask):
    return schemathesis.openapi.from_wsgi(
        OPENAPI, app, config=schemathesis.Config.from_dict(CONFIG)
    )


def operations(schema) -> list:
    """Every operation of the document: deletions after the rest, then those in ``LAST``."""
    found = [result.ok() for result in schema.get_all_operations()]
    order = {label: index for index, label in enumerate(LAST)}
    return sorted(found, key=lambda op: order.get(op.label, -2 + (op.method.upper() == "DELETE")))


def can_be_negated(operation) -> bool:
    """Whether the operation takes anything but its token that invalid data could fill."""
    parameters = [p for p in operation.iter_parameters() if p.name != "Authorization"]
    return bool(parameters or list(operation.body))


@dataclass
class Fuzzer:
    """Alex, an admin, signed in through the API; his ledger seeded with one row of every
    kind (an old desktop file uploaded among them); Sam shares his ledger with Alex
    (something to leave); Kim is a viewer of Alex's (a member to change). Robin, new and
    in the middle of the first-run wizard, is the one who fuzzes the wizard's endpoints."""

    app: Flask
    session: Session
    ids: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    cases: int = 0
    sent: Counter = field(default_factory=Counter)  # cases sent to each operation
    accepted: Counter = field(default_factory=Counter)  # and answered with a 2xx
    failures: list[str] = field(default_factory=list)

    def seed(self) -> None:
        alex = make_user(self.session, "alex", role="admin")
        sam, kim = make_user(self.session, "sam"), make_user(self.session, "kim")
        robin = make_user(self.session, "robin", onboarded=False)
        share(self.session, sam, alex, "editor")
        share(self.session, alex, kim, "viewer")
        seeded = seed_ledger(self.session, alex, old_desktop_file())
        self.users = {"alex": alex.id, "robin": robin.id}
        self.ids = {
            "transaction_id": seeded.transaction,
            "category_id": seeded.category,
            "owner_id": seeded.owner,
            "rule_id": seeded.rule,
            "batch_id": seeded.batch,
            "profile_id": seeded.profile,
            "upload_id": seeded.upload,
            "budget_id": seeded.budget,
            "commitment_id": seeded.bill,
            "debt_id": seeded.debt,
            "payment_id": seeded.payment,
            "goal_id": seeded.goal,
            "contribution_id": seeded.contribution,
            "user_id": kim.id,
            "ledger_id": sam.id,
        }
        for username in self.users:
            self.sign_in(username)

    def sign_in(self, username: str) -> None:
        response = api_login(self.app.test_client(), username)
        assert response.status_code == 200, response.get_data(as_text=True)
        self.headers[username] = bearer(response.get_json()["access_token"])

    def signed_in(self, username: str) -> bool:
        answer = self.app.test_client().get(ME[username], headers=self.headers[username])
        return answer.status_code == 200

    def restore(self, username: str) -> None:
        """The user as seeded (active, their own password; Alex an admin past the wizard),
        signed in again."""
        self.session.expire_all()
        user = self.session.get(User, self.users[username])
        user.is_active = True
        user.must_change_password = False
        user.password_hash = hash_password(DEFAULT_PASSWORD)
        if username == "alex":
            user.role = "admin"
            onboarding.skip(user)
        self.session.commit()
        self.sign_in(username)

    def strategy(self, operation, mode: GenerationMode) -> st.SearchStrategy:
        """Generated cases; half of them with the path's ids of rows that exist."""
        generated = operation.as_strategy(generation_mode=mode)
        names = [p.name for p in operation.path_parameters]
        if not names or any(name not in self.ids for name in names):
            return generated
        known = {name: self.ids[name] for name in names}
        return st.one_of(
            operation.as_strategy(generation_mode=mode, path_parameters=known), generated
        )

    def fuzz(self, operation, mode: GenerationMode, examples: int = EXAMPLES) -> None:
        """Send ``examples`` generated cases to ``operation``; failures are collected."""
        username = "robin" if operation.path.startswith(WIZARD) else "alex"
        ends_token = operation.label in LAST

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=SEED is None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=self.strategy(operation, mode))
        def run(case) -> None:
            self.cases += 1
            self.sent[operation.label] += 1
            headers = self.headers[username]
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            finally:
                if response.status_code < 300:
                    self.accepted[operation.label] += 1
                if _locked_out(response) or (ends_token and not self.signed_in(username)):
                    self.restore(username)

        if SEED is not None:
            run = seed(int(SEED))(run)
        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # every failure reported; go on
            if not isinstance(error, FailureGroup):  # not a finding: say where it came from
                error = "".join(traceback.format_exception(error))
            self.failures.append(f"{operation.label} [{mode.value}]: {error}")


def _locked_out(response) -> bool:
    if response.status_code not in (401, 403):
        return False
    try:
        return response.json()["error"]["code"] in LOCKED_OUT
    except (ValueError, KeyError, TypeError):
        return True
