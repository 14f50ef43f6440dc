"""Nothing in the application can step around tenancy: no SQL strings, no legacy bulk calls.

Tenancy confines ORM and Core statements built with SQLAlchemy's expression
language; a ``text("SELECT ... FROM transactions")`` or a legacy
``session.bulk_*`` call would pass by it. DDL in models and migrations is the
only place SQL text belongs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import homeledger

PACKAGE = Path(homeledger.__file__).parent
DDL_ONLY = ("migrations", "models")
BYPASSES = {"text", "bulk_insert_mappings", "bulk_update_mappings", "bulk_save_objects"}


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in BYPASSES:
                yield f"{path.relative_to(PACKAGE)}:{node.lineno} {name}()"


def test_application_code_builds_sql_only_with_the_expression_language():
    sources = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in DDL_ONLY]
    assert len(sources) > 20  # the scan really looked at the package
    offenders = [call for path in sources for call in _calls(path)]
    assert offenders == []
