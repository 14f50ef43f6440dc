"""Debt pages: the debts, each with its payments, and the payoff planner."""
