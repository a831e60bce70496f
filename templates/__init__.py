"""Jinja templates, installed as the package ``meetmatch.templates`` (see pyproject.toml)."""
