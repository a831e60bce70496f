"""The test suite: tests/conftest.py holds the fixtures, tests/helpers.py the database and
live-server helpers, tests/smtp.py the loopback SMTP server."""
