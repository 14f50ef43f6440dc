"""Homeledger: a self-hosted household finance app."""

from __future__ import annotations

from flask import Flask

from homeledger.config import Config


def create_app(config: Config) -> Flask:
    """Build the Flask application for one configuration; nothing else happens at import."""
    from homeledger import tenancy
    from homeledger.api import api_bp
    from homeledger.extensions import csrf, db, login_manager
    from homeledger.services import passwords
    from homeledger.web import register_web

    config.validate()
    app = Flask(__name__)
    app.config.from_object(config)

    tenancy.install()
    passwords.configure(
        config.ARGON2_TIME_COST, config.ARGON2_MEMORY_COST, config.ARGON2_PARALLELISM
    )
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    register_web(app)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, not cookies
    app.register_blueprint(api_bp)
    return app
