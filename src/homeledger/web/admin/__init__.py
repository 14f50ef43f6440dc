"""Admin pages: users and invites, the audit log, the full backup.

Every blueprint of this package is closed to everyone but admins by
``admin_only``: a signed-out visitor is sent to sign in, a signed-in user who
is not an admin gets 403, before any view runs.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from homeledger.extensions import login_manager


def admin_only(bp: Blueprint) -> Blueprint:
    """Guard every route of ``bp`` (registered before them, so none can be missed)."""

    @bp.before_request
    def _admins_only():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return None

    return bp
