"""Bearer-token checks for the API (flask-jwt-extended) and the 401 contract.

Every 401 is ``{"error": {"code", "message"}}`` with ``WWW-Authenticate: Bearer``;
``code`` tells the mobile app what to do: ``token_expired`` -> refresh once;
``auth_required``, ``token_invalid``, ``token_revoked``, ``account_inactive``
-> send the person to sign in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from flask import Flask, current_app, g, request
from flask_jwt_extended import create_access_token, current_user, get_jwt, jwt_required
from flask_jwt_extended.exceptions import JWTDecodeError
from flask_smorest import Blueprint

from homeledger import device_trust
from homeledger.api.errors import error_body, unreadable_json_answer
from homeledger.extensions import db, jwt
from homeledger.models import User
from homeledger.models.base import MAX_ID
from homeledger.services import api_tokens, onboarding, sharing

BEARER = [{"bearer": []}]
UNAUTHORIZED = (
    "`auth_required` (no token), `token_expired` (refresh once), `token_invalid`, "
    "`token_revoked` (signed out, password changed, or a replayed refresh token), "
    "`account_inactive`. All but `token_expired` mean: sign in again."
)
MUST_CHANGE_FIRST = (
    "`password_change_required`: the account has a temporary password; "
    "change it with POST /api/v1/me/password first. "
    "`onboarding_required`: finish the first-run wizard first (/api/v1/onboarding)."
)
# Blueprints a user may use once their wizard has reached its `data` step: getting data in.
DATA_STEP_BLUEPRINTS = frozenset({"api_imports", "api_legacy_uploads"})


def install(app: Flask) -> None:
    jwt.init_app(app)


@jwt.unauthorized_loader
def _missing(reason: str):
    return error_body(
        401, "Sign in first: send 'Authorization: Bearer <access token>'.", code="auth_required"
    )


@jwt.expired_token_loader
def _expired(header, payload):
    return error_body(401, "The access token has expired; refresh it.", code="token_expired")


@jwt.invalid_token_loader
def _invalid(reason: str):
    return error_body(401, "The access token is not valid.", code="token_invalid")


@jwt.revoked_token_loader
def _revoked(header, payload):
    return error_body(401, "This sign-in has been revoked; sign in again.", code="token_revoked")


def _user_id(payload: dict) -> int | None:
    """The user id in ``sub`` if the token has every claim we issue, of the right type."""
    sub, jti, epoch, family = (payload.get(k) for k in ("sub", "jti", "epoch", "fam"))
    well_formed = (
        isinstance(sub, str)
        and sub.isascii()
        and sub.isdigit()
        and len(sub) <= 18
        and isinstance(jti, str)
        and 0 < len(jti) <= 64
        and type(epoch) is int
        and isinstance(family, str)
        and 0 < len(family) <= 36
        and type(payload.get("exp")) is int
    )
    return int(sub) if well_formed else None


@jwt.token_in_blocklist_loader
def _is_revoked(header, payload) -> bool:
    """Logged out (jti or device family revoked) or issued before a password change.

    Checked before the user is loaded, so a token missing any claim we always
    issue is refused here as invalid.
    """
    user_id = _user_id(payload)
    if user_id is None:
        raise JWTDecodeError("the token lacks claims every access token carries")
    user, revoked = api_tokens.access_token_state(
        db.session, user_id, payload["jti"], payload["fam"]
    )
    g.token_user = user  # held for the user lookup next (the session only holds it weakly)
    if user is not None and not user.is_active:
        return False  # deactivated: the user lookup answers `account_inactive`
    if user is not None and user.session_epoch != payload["epoch"]:
        return True
    return revoked


@jwt.user_lookup_loader
def _load_user(header, payload) -> User | None:
    user = g.pop("token_user", None) or db.session.get(User, _user_id(payload))
    return user if user is not None and user.is_active else None


@jwt.user_lookup_error_loader
def _user_gone(header, payload):
    return error_body(401, "This account is deactivated.", code="account_inactive")


def access_token_for(user: User, family_id: str) -> str:
    """A short-lived access token bound to the user's password epoch and device family."""
    return create_access_token(
        identity=str(user.id), additional_claims={"epoch": user.session_epoch, "fam": family_id}
    )


def token_response(issued: api_tokens.IssuedRefreshToken, *, device_token: bool = False) -> dict:
    """The answer with a new token pair; ``device_token`` after a sign-in or password change."""
    expires = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    answer = {
        "access_token": access_token_for(issued.user, issued.family_id),
        "refresh_token": issued.token,
        "token_type": "Bearer",
        "expires_in": int(expires.total_seconds()),
        "user": issued.user,
    }
    if device_token:
        answer["device_token"] = device_trust.token_for(issued.user)
    return answer


# The header choosing the ledger a request acts in (GET /api/v1/ledgers lists them).
LEDGER_HEADER = "X-Ledger-Id"
LEDGER_PARAMETER = {
    "in": "header",
    "name": LEDGER_HEADER,
    "required": False,
    "schema": {"type": "integer", "minimum": 1},
    "description": (
        "The ledger to act in: an `id` from GET /api/v1/ledgers. Without it, the "
        "caller's own. A ledger the caller may not use answers 404."
    ),
}


def _signed_in(
    view: Callable,
    *,
    temporary_password_ok: bool,
    admins_only: bool = False,
    wizard_ok: bool = False,
    own_ledger: bool = False,
) -> Callable:
    """Wrap ``view`` so that, in this order, before its body is even parsed:

    1. a valid, unrevoked access token of an active user is required (401);
    2. a user who must change a temporary password may go no further (403
       ``password_change_required``), unless this route is the way to change it;
    3. a user who has not finished the first-run wizard may go no further (403
       ``onboarding_required``), unless this route is part of it (``wizard_ok``, and
       the password routes) or gets data in once the wizard has reached its ``data`` step;
    4. an admin's route refuses everyone else (403 ``admin_required``);
    5. the request acts in the ledger ``X-Ledger-Id`` names, if the caller has a role
       there (404 if not, as for any id that is not theirs), else in their own; a route
       about the caller (``own_ledger``: their settings, data, wizard, admin work)
       always acts in their own;
    6. a route whose schema takes a JSON body gets one (422 on ``body``).

    Every API route is decorated right below its route decorator, so a request
    without a token is a 401 whatever its body, and an expired token is always
    ``token_expired`` (the mobile app refreshes on that code alone).
    """
    needs_body = _takes_json_body(view)

    @wraps(view)
    @jwt_required()
    def wrapper(*args, **kwargs):
        if current_user.must_change_password and not temporary_password_ok:
            return error_body(
                403,
                "Change your temporary password first (POST /api/v1/me/password).",
                code="password_change_required",
            )
        if not (wizard_ok or temporary_password_ok) and _wizard_first(current_user):
            step = onboarding.resume_point(current_user)
            return error_body(
                403,
                f"Finish setting up first: the wizard is at {step!r} "
                f"(GET /api/v1/onboarding/{step if step in onboarding.STEPS else ''}).",
                code="onboarding_required",
            )
        if admins_only and not current_user.is_admin:
            return error_body(403, "Only an admin may do this.", code="admin_required")
        chosen = None if own_ledger else request.headers.get(LEDGER_HEADER)
        if sharing.enter(db.session, current_user, _ledger_id(chosen)) is None:
            return error_body(
                404,
                f"No such ledger: {LEDGER_HEADER} names no ledger you may use "
                "(GET /api/v1/ledgers lists them).",
            )
        if (unreadable := unreadable_json_answer()) is not None:
            return unreadable
        if needs_body and not (request.is_json and request.get_data(cache=True).strip()):
            return error_body(
                422,
                "The request needs a JSON body.",
                fields={"body": "Send a JSON object (Content-Type: application/json)."},
            )
        return view(*args, **kwargs)

    wrapper.requires_token = True  # tells the public routes' body check to leave it to us
    return wrapper


def _ledger_id(header: str | None) -> int | None:
    """The ledger id ``X-Ledger-Id`` holds; None without one, 0 (no ledger) for anything
    that is not a whole number of an id's length (the id range is ``sharing.role_in``'s).
    The length is checked first: Python refuses to read an integer of thousands of digits."""
    if header is None:
        return None
    text = header.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return 0
    return int(text)


def _wizard_first(user: User) -> bool:
    """Whether ``user`` must finish the wizard before this request: yes, unless it is
    done, or this request gets data in and the wizard has reached its ``data`` step
    (going back to that step must find the imports open)."""
    if not onboarding.required(user):
        return False
    return not (request.blueprint in DATA_STEP_BLUEPRINTS and onboarding.reachable(user, "data"))


def _takes_json_body(view: Callable) -> bool:
    """Whether flask-smorest documents a required JSON body for ``view``."""
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "json" and p.get("required") for p in parameters)


def auth_required(view: Callable) -> Callable:
    """A signed-in user's route; the request acts on their ledger (see ``_signed_in``)."""
    return _signed_in(view, temporary_password_ok=False)


def token_required(view: Callable) -> Callable:
    """A route a user with a temporary password may use: who am I, change it, sign out."""
    return _signed_in(view, temporary_password_ok=True, own_ledger=True)


ADMINS_ONLY = "`admin_required`: only an admin may do this."


def wizard_required(view: Callable) -> Callable:
    """A first-run wizard route: as ``auth_required``, but open before it is finished."""
    return _signed_in(view, temporary_password_ok=False, wizard_ok=True, own_ledger=True)


def admin_required(view: Callable) -> Callable:
    """An admin's route: as ``auth_required``, and 403 ``admin_required`` for everyone
    else before the body is read (a non-admin learns nothing from validation errors)."""
    return _signed_in(view, temporary_password_ok=False, admins_only=True, own_ledger=True)


def admin_documented(blp: Blueprint) -> Callable[[Callable], Callable]:
    """``documented`` for admin endpoints: ``admin_required``, and 403 in the schema."""
    return _documented(
        blp,
        admin_required,
        forbidden=f"{ADMINS_ONLY} Or {MUST_CHANGE_FIRST}",
        not_found="No such item.",
    )


_NOT_FOUND = "Not in your ledger (other people's ids look the same as missing ones)."


def wizard_documented(blp: Blueprint) -> Callable[[Callable], Callable]:
    """``documented`` for the first-run wizard's endpoints: ``wizard_required``."""
    return _documented(blp, wizard_required, forbidden=MUST_CHANGE_FIRST, not_found=_NOT_FOUND)


READ_ONLY = (
    "`read_only`: the caller is a viewer of this ledger and may not change it. "
    "`owner_required`: only the ledger's owner may do this."
)


def documented(blp: Blueprint) -> Callable[[Callable], Callable]:
    """Decorator of a ledger endpoint of ``blp``: ``auth_required``, acting in the ledger
    ``X-Ledger-Id`` chooses, and documented in the OpenAPI schema as needing a bearer
    token and possibly answering 401, 403, 404 or 422."""
    return _documented(
        blp,
        auth_required,
        forbidden=f"{READ_ONLY} Or {MUST_CHANGE_FIRST}",
        not_found=f"{_NOT_FOUND} Or {LEDGER_HEADER} names no ledger of the caller's.",
        chooses_ledger=True,
    )


def own_documented(blp: Blueprint) -> Callable[[Callable], Callable]:
    """``documented`` for an endpoint about the caller's own ledger (settings, their data):
    it acts there whatever ``X-Ledger-Id`` says."""
    guard = functools.partial(_signed_in, temporary_password_ok=False, own_ledger=True)
    return _documented(blp, guard, forbidden=MUST_CHANGE_FIRST, not_found=_NOT_FOUND)


def _documented(
    blp: Blueprint,
    guard: Callable,
    *,
    forbidden: str,
    not_found: str,
    chooses_ledger: bool = False,
) -> Callable[[Callable], Callable]:
    """``guard`` (who may call), and the answers every such endpoint may give, documented."""

    def decorate(view: Callable) -> Callable:
        view = blp.alt_response(422, schema="Error", description="A field is wrong; see `fields`.")(
            view
        )
        view = blp.alt_response(404, schema="Error", description=not_found)(view)
        view = blp.alt_response(403, schema="Error", description=forbidden)(view)
        view = blp.alt_response(401, schema="Error", description=UNAUTHORIZED)(view)
        if chooses_ledger:
            # Beside the parameters @blp.arguments documents (a ``doc(parameters=...)``
            # would replace them).
            apidoc = view.__dict__.setdefault("_apidoc", {})
            apidoc.setdefault("arguments", {}).setdefault("parameters", []).append(
                dict(LEDGER_PARAMETER)
            )
        return blp.doc(security=BEARER)(guard(view))

    return decorate


def current_token_expiry() -> datetime:
    return datetime.fromtimestamp(get_jwt()["exp"], tz=UTC)
