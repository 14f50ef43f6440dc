"""The static checks CI runs with the suite: ruff (lint and format), bandit (security
findings in the app's code: none of medium or high severity left unexplained) and
pip-audit (known advisories against the pinned versions in constraints.txt).

Each runs as a subprocess from this virtualenv's bin directory. A finding from bandit
that is not a problem is marked on its line with ``# nosec BXXX`` and a one-line reason.
pip-audit needs the package index's advisory service; where that cannot be reached the
check is skipped, saying so, rather than passing on an audit that never happened.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AUDIT_SECONDS = 180


def _run(*command: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _output(result: subprocess.CompletedProcess) -> str:
    return f"{result.stdout}\n{result.stderr}".strip()


def test_ruff_finds_nothing():
    lint = _run("ruff", "check", ".")
    assert lint.returncode == 0, _output(lint)
    formatting = _run("ruff", "format", "--check", "src", "tests", "bench")
    assert formatting.returncode == 0, _output(formatting)


def test_bandit_finds_nothing_of_medium_or_high_severity():
    """``-ll``: medium and high only. Settings (what is excluded) in pyproject's [tool.bandit]."""
    result = _run("bandit", "-c", "pyproject.toml", "-r", "src", "-ll", "-f", "json", "-q")
    report = json.loads(result.stdout)
    assert report["metrics"]["_totals"]["loc"] > 10_000  # it really read the package
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} ({r['issue_severity']}): "
        f"{r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == [], "\n".join(findings)
    assert report["errors"] == [] and result.returncode == 0, _output(result)


def _audit(requirements: Path, report: Path, timeout: float) -> subprocess.CompletedProcess:
    return _run(
        "pip-audit",
        *("--requirement", str(requirements), "--no-deps", "--disable-pip"),
        *("--progress-spinner", "off", "--timeout", "10"),
        *("--format", "json", "--output", str(report)),
        timeout=timeout,
    )


def _audited(report: Path) -> list[dict] | None:
    """The audited packages of a pip-audit report, or None if it audited nothing."""
    if not report.exists():
        return None
    dependencies = json.loads(report.read_text())["dependencies"]
    return [d for d in dependencies if "skip_reason" not in d] or None


def test_no_pinned_dependency_has_a_known_advisory(tmp_path):
    """First one package, quickly: where the advisory service cannot be reached (no
    network, a mirror that has no JSON API), pip-audit would otherwise say "no known
    vulnerabilities" having audited nothing, or wait on every package in turn."""
    probe = tmp_path / "probe.txt"
    probe.write_text(f"pip-audit=={metadata.version('pip-audit')}\n")
    try:
        tried = _audit(probe, tmp_path / "probe.json", timeout=30)
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit skipped: no answer from the advisory service in 30 s")
    if _audited(tmp_path / "probe.json") is None:
        last = (_output(tried).splitlines() or ["no output"])[-1]
        pytest.skip(
            "pip-audit skipped: the advisory service gave nothing for a package it must know "
            f"(pip-audit {metadata.version('pip-audit')}), so it cannot be reached; "
            f"pip-audit said: {last}"
        )
    report = tmp_path / "audit.json"
    try:
        result = _audit(ROOT / "constraints.txt", report, timeout=AUDIT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.skip(f"pip-audit skipped: no answer from the advisory service in {AUDIT_SECONDS} s")
    assert report.exists(), _output(result)
    dependencies = json.loads(report.read_text())["dependencies"]
    advisories = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or '-'})"
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    assert advisories == [], "known advisories:\n" + "\n".join(advisories)
    unaudited = [d["name"] for d in dependencies if "skip_reason" in d]
    if unaudited:
        pytest.skip(
            f"pip-audit could not audit {len(unaudited)} of {len(dependencies)} pinned "
            f"packages (the advisory service does not know them): {', '.join(unaudited[:5])}"
        )
    assert len(dependencies) > 20 and result.returncode == 0, _output(result)
