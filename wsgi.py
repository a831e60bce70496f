"""WSGI entry point: ``gunicorn wsgi:app``."""

from meetmatch import create_app

app = create_app()
