"""The categories dashboard: spending per category month by month."""
