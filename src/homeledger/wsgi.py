"""The production entry point: ``gunicorn homeledger.wsgi:app`` (config from the environment)."""

from homeledger import create_app
from homeledger.config import ProductionConfig

app = create_app(ProductionConfig())
