"""A deterministic demo household: years of transactions, budgets, bills, debts and goals."""

from datetime import date

from sqlalchemy.orm import Session

from homeledger.demo.household import DemoSummary, build_demo_household

__all__ = ["DemoSummary", "build_demo_household", "load_sample"]

SAMPLE_YEARS = 2  # enough history for the budget suggestions, quick to load (about a second)
SAMPLE_SEED = 2024


def load_sample(session: Session, today: date) -> None:
    """The first-run wizard's sample data: a demo household in the acting ledger, in the
    ledger's own currency and budgeting month. Flushes, never commits."""
    build_demo_household(
        session, seed=SAMPLE_SEED, years=SAMPLE_YEARS, today=today, keep_settings=True
    )
