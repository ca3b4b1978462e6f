"""Tests of the Django application (run on SQLite and on PostgreSQL)."""
