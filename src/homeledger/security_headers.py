"""Security headers on every response, and no caching of anything that may carry money."""

from __future__ import annotations

from flask import Flask, Response, request

# No inline script anywhere; the app's own files only. Pico's CSS uses data: SVG icons.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The API reading page (ReDoc) styles itself inline and renders in a worker; still no inline script.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


def install(app: Flask) -> None:
    docs_path = f"{app.config['OPENAPI_URL_PREFIX']}/{app.config['OPENAPI_REDOC_PATH']}"

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        is_docs = request.path == docs_path
        headers["Content-Security-Policy"] = (
            DOCS_CONTENT_SECURITY_POLICY if is_docs else CONTENT_SECURITY_POLICY
        )
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["HSTS"]:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # Pages and API answers carry financial data: never keep them in a cache.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
