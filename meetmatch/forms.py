"""Form pieces every blueprint shares: the safe base form, text filters, the confirm form."""

from __future__ import annotations

from flask_wtf import FlaskForm

from .mail_headers import CONTROL_PROBLEM, check_header_text

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms < 3.3 takes plain (value, label) tuples

    def SelectChoice(value: str, label: str):  # noqa: N802
        return (value, label)


ALLOWED_CONTROL = {"\n", "\r", "\t"}


def strip_text(value):
    """Trim pasted whitespace (a trailing space must not make an email address invalid)."""
    return value.strip() if isinstance(value, str) else value


def one_line(value):
    """Single-line fields: line breaks and tabs become single spaces; names end up in mail
    headers, so mail encoding syntax ("=?…?=") and other control characters are refused."""
    return check_header_text(" ".join(value.split())) if isinstance(value, str) else value


def has_control_characters(value: str) -> bool:
    """True if ``value`` holds an invisible control character other than a line break or tab."""
    return any(ch not in ALLOWED_CONTROL and (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) for ch in value)


class SafeForm(FlaskForm):
    """Every form: text with invisible control characters (NUL breaks PostgreSQL) is refused."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and has_control_characters(field.data):
                field.errors = [*(e for e in field.errors if e != CONTROL_PROBLEM), CONTROL_PROBLEM]
                valid = False
        self._errors = None
        return valid


class ConfirmForm(FlaskForm):
    """An empty form for POST-only buttons: the CSRF token is all it carries."""


__all__ = ["ALLOWED_CONTROL", "ConfirmForm", "SafeForm", "SelectChoice", "has_control_characters",
           "one_line", "strip_text"]
