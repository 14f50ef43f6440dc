"""Savings goal pages."""
