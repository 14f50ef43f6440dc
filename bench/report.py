"""The end-to-end benchmark's output: one table on stdout and every figure in a JSON
file. It reports; it does not judge: the targets of issue 19 appear as flags beside
the figures (p95 over 50 ms, more than 10 statements, an answer other than 200),
for information only."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parents[1]
P95_TARGET_MS = 50
STATEMENT_TARGET = 10


def machine(server_version: str | None) -> dict:
    def run(*command: str) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        except OSError:
            return ""
        return (done.stdout or done.stderr).strip()

    return {
        "commit": run("git", "rev-parse", "HEAD"),
        "uncommitted_changes": bool(run("git", "status", "--porcelain", "--untracked-files=no")),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
        "sqlalchemy": sqlalchemy.__version__,
        "postgresql": server_version,
        "wrk": run("wrk", "-v").splitlines()[0] if run("wrk", "-v") else None,
    }


def flags(case: dict) -> list[str]:
    found = []
    timed = case.get("postgresql") or {}
    if timed.get("p95_ms") is not None and timed["p95_ms"] > P95_TARGET_MS:
        found.append(f"p95>{P95_TARGET_MS}")
    counted = case.get("statements") or {}
    if counted.get("total") is not None and counted["total"] > STATEMENT_TARGET:
        found.append(f"sql>{STATEMENT_TARGET}")
    answered = {
        status
        for where in ("postgresql", "sqlite")
        if (status := (case.get(where) or {}).get("status")) not in (None, 200, 201, 204)
    }
    found += [f"HTTP {status}" for status in sorted(answered)]
    return found


def _ms(value) -> str:
    return "" if value is None else f"{value:.1f}"


def table(cases: list[dict]) -> str:
    lines = [
        f"{'page or endpoint':<58} {'PG p50':>7} {'PG p95':>7} {'n':>3} {'SQL':>4} {'set':>3}"
        f" {'SQLite p50':>10} {'p95':>7}  flags (information only: PostgreSQL's p95 and SQL)",
        "-" * 120,
    ]
    for case in cases:
        pg, lite, sql = (
            case.get("postgresql") or {},
            case.get("sqlite") or {},
            case.get("statements") or {},
        )
        label = case["label"] if len(case["label"]) <= 58 else case["label"][:55] + "..."
        lines.append(
            f"{label:<58} {_ms(pg.get('p50_ms')):>7} {_ms(pg.get('p95_ms')):>7}"
            f" {pg.get('n', ''):>3}"
            f" {sql.get('total', ''):>4} {sql.get('settings', ''):>3}"
            f" {_ms(lite.get('p50_ms')):>10} {_ms(lite.get('p95_ms')):>7}  {' '.join(flags(case))}"
        )
    return "\n".join(lines)


def summary(result: dict) -> str:
    """The figures that are not one page's: loading, start-up, import, legacy, wrk, raw SQL."""
    out = []
    for where in ("postgresql", "sqlite"):
        part = result.get(where)
        if not part:
            continue
        if isinstance(part, str):
            out.append(f"{where}: {part}")
            continue
        instance = part.get("instance", {})
        out.append(
            f"{where}: {instance.get('transactions', 0):,} transactions in"
            f" {instance.get('households', 0)} households (the heavy one:"
            f" {instance.get('heavy_transactions', 0):,}), loaded in"
            f" {instance.get('load_seconds', 0):.1f} s;"
            f" schema {instance.get('schema_seconds', 0):.1f} s"
        )
        out.append(
            f"  server: {part.get('server')};"
            f" ready {part.get('ready_seconds', 0):.2f} s after launch"
        )
        if (imported := part.get("import")) is not None:
            if "rows_per_second" in imported:
                out.append(
                    f"  import: {imported['rows']:,} CSV rows through the API in"
                    f" {imported['seconds']:.1f} s = {imported['rows_per_second']:,.0f} rows/s"
                    f" (HTTP {imported['status']}; the server's peak memory"
                    f" {imported.get('server_peak_mb', '?')} MB)"
                )
            else:
                out.append(f"  import: {imported}")
        if (legacy := part.get("legacy")) is not None:
            if isinstance(legacy, dict):
                out.append(
                    f"  legacy migration: {legacy['transactions']:,} transactions in"
                    f" {legacy['seconds']:.2f} s ({legacy['as']})"
                )
            else:
                out.append(f"  legacy migration: {legacy}")
        for name, figures in (part.get("wrk") or {}).items():
            if isinstance(figures, str):
                out.append(f"  wrk {name}: {figures}")
                continue
            latency = ", ".join(
                f"p{k.rstrip('%')} {v:.1f} ms" for k, v in figures["latency_ms"].items()
            )
            out.append(
                f"  wrk -t2 -c8 {name}: {figures['requests_per_second']:.1f} requests/s ({latency};"
                f" {figures['requests']} requests, {figures['non_2xx']} not 2xx/3xx)"
            )
        for name, raw in (part.get("raw_sql") or {}).items():
            out.append(
                f"  raw SQL, {name}: page p50 {raw['page_p50_ms']:.1f} ms; its own"
                f" {raw['page_statements']} statements replayed {raw['replayed_p50_ms']:.1f} ms;"
                f" hand-written {raw['hand_statements']} statements {raw['hand_p50_ms']:.1f} ms;"
                f" page / hand-written = {raw['ratio']:.1f}x"
            )
    return "\n".join(out)


def write_json(result: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, default=str) + "\n")
