"""Alembic revisions, installed as the package ``meetmatch.migrations`` (see pyproject.toml)."""
