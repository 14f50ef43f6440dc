"""The layering newcomers rely on, checked on the source: who may import whom, views without
SQL, one way to say not found, and modules small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import homeledger

PACKAGE = Path(homeledger.__file__).parent
MAX_LINES = 400
# The floors below the services: they must not reach up into them.
BELOW_SERVICES = ("models", "tenancy.py", "ledger_roles.py", "db_setup.py", "extensions.py")
ABOVE_SERVICES = ("homeledger.web", "homeledger.api", "homeledger.cli", "homeledger.demo")
# Names that build or run a query; views get their data from a service call.
QUERY_BUILDERS = {"select", "insert", "update", "delete", "text", "func"}
QUERY_RUNNERS = {"execute", "scalars", "scalar", "query"}


def _sources(*parts: str) -> list[Path]:
    root = PACKAGE.joinpath(*parts)
    return [root] if root.is_file() else sorted(root.rglob("*.py"))


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(), filename=str(path))


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, with ``from X import y`` also listed as ``X.y``."""
    names = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _where(path: Path, what: str) -> str:
    return f"{path.relative_to(PACKAGE)}: {what}"


def test_nothing_below_the_services_imports_them_or_anything_above():
    sources = [p for part in BELOW_SERVICES for p in _sources(part)]
    assert len(sources) > 5
    offenders = [
        _where(path, name)
        for path in sources
        for name in _imports(path)
        if name.startswith(("homeledger.services", *ABOVE_SERVICES))
    ]
    assert offenders == []


def test_services_know_nothing_of_flask_the_pages_or_the_api():
    sources = _sources("services")
    assert len(sources) > 20
    offenders = [
        _where(path, name)
        for path in sources
        for name in _imports(path)
        if name.split(".")[0] in {"flask", "flask_login", "flask_smorest", "werkzeug"}
        or name.startswith((*ABOVE_SERVICES, "homeledger.extensions"))
    ]
    assert offenders == []


def test_no_page_area_imports_another_areas_routes_or_forms():
    offenders = []
    for area in (p for p in (PACKAGE / "web").iterdir() if (p / "__init__.py").exists()):
        for path in _sources("web", area.name):
            for name in _imports(path):
                parts = name.split(".")
                if parts[:2] == ["homeledger", "web"] and len(parts) > 2:
                    other = parts[2]
                    if other != area.name and (PACKAGE / "web" / other).is_dir():
                        offenders.append(_where(path, name))
    assert offenders == []


def test_views_run_no_queries():
    sources = _sources("web") + _sources("api")
    offenders = []
    for path in sources:
        for name in _imports(path):
            if name.startswith("sqlalchemy.") and name.rsplit(".", 1)[-1] in QUERY_BUILDERS:
                offenders.append(_where(path, f"imports {name}"))
        for node in ast.walk(_tree(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in QUERY_RUNNERS
            ):
                offenders.append(_where(path, f"line {node.lineno} calls .{node.func.attr}()"))
    assert offenders == []


def test_views_leave_not_found_to_the_error_handler():
    """A service raises NotFound and errors.py answers 404 (page or JSON); no view catches it."""
    offenders = []
    for path in _sources("web") + _sources("api"):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = ast.unparse(node.type)
                if "NotFound" in caught:
                    offenders.append(_where(path, f"line {node.lineno} catches {caught}"))
    assert offenders == []


def test_every_module_is_small_enough_to_read():
    sources = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    too_long = {
        str(path.relative_to(PACKAGE)): lines
        for path in sources
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
