"""Recurring bill pages."""
