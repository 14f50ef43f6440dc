"""Homeledger: a self-hosted household finance app."""

from __future__ import annotations

from flask import Flask

from homeledger.config import Config


def create_app(config: Config) -> Flask:
    """Build the Flask application for one configuration; nothing else happens at import."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from homeledger import api, errors, rate_limits, request_guards, security_headers, tenancy
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

    request_guards.install_converters(app)
    request_guards.install(app)
    register_web(app)
    api.install(app)
    errors.register(app)
    rate_limits.install(app)
    security_headers.install(app)
    hops = config.TRUSTED_PROXY_HOPS
    if hops:
        # Only the given number of proxies may speak for the client; never a raw header.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
