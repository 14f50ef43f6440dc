"""Business logic: plain functions over a Session and an acting user, no Flask globals."""
