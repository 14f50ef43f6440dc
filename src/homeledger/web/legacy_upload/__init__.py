"""Bringing in the old desktop app's file from settings: upload, dry-run report, apply."""
