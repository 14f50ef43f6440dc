"""A deterministic demo household: years of transactions, budgets, bills, debts and goals."""

from homeledger.demo.household import DemoSummary, build_demo_household

__all__ = ["DemoSummary", "build_demo_household"]
