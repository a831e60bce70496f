"""Form pieces every blueprint shares: the safe base form, text filters, the confirm form."""

from __future__ import annotations

import re
import unicodedata

from flask_wtf import FlaskForm

from .i18n import lazy_gettext as _l
from .input_limits import integer_out_of_range
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


# Shown as nothing, or reorders the text around it: a name like "Ann\u202egnp.exe" displays as
# "Annexe.png", and zero-width or blank characters make two names look the same. Refused (with
# control characters) in every form field and CSV cell: bidirectional embeddings, overrides,
# isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), zero-width space
# (U+200B), word joiner and invisible operators (U+2060–U+2064), the byte-order mark (U+FEFF),
# soft hyphen, tag characters … — Unicode's format characters (Cf) — plus the line and paragraph
# separators and the "letters" that render as nothing (Hangul fillers, the grapheme joiner).
_INVISIBLE_LETTERS = frozenset("\u034f\u115f\u1160\u3164\uffa0")
# Format characters that do show a sign (Arabic number signs, Syriac abbreviation mark …).
_VISIBLE_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                            "\U000110bd\U000110cd")
# Zero-width non-joiner and joiner are spelling in Persian, Sinhala ("ශ්‍රී"), Malayalam … and
# glue emoji (👩‍💻): allowed between two letters, marks or symbols, refused anywhere else.
_JOINERS = frozenset("\u200c\u200d")
# Tag characters are allowed only as the subdivision flags they exist for (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
_FLAG_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,7}\U000e007f")


def _is_variation_selector(ch: str) -> bool:
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def _joinable(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch)[0] in "LMS"


def invisible_character(value: str) -> str | None:
    """The first control or invisible character in ``value`` (line breaks and tabs allowed),
    or None. A variation selector counts as invisible unless it follows a visible character."""
    value = _FLAG_TAG_SEQUENCE.sub("\U0001f3f4", value)
    for i, ch in enumerate(value):
        if ch in ALLOWED_CONTROL or (ch.isprintable() and ch not in _INVISIBLE_LETTERS
                                     and not _is_variation_selector(ch)):
            continue  # the common case, answered without a category lookup
        before, after = value[i - 1] if i else "", value[i + 1:i + 2]
        category = unicodedata.category(ch)
        if category == "Cf":
            if ch in _VISIBLE_FORMAT or (ch in _JOINERS and _joinable(before) and _joinable(after)):
                continue
            return ch
        if _is_variation_selector(ch):
            if before and before.isprintable() and not before.isspace() and not _is_variation_selector(before):
                continue
            return ch
        if category in {"Cc", "Zl", "Zp"} or ch in _INVISIBLE_LETTERS:
            return ch
    return None


def has_control_characters(value: str) -> bool:
    """True if ``value`` holds a control or invisible character (see :func:`invisible_character`)
    other than a line break or tab."""
    return invisible_character(value) is not None


class SafeForm(FlaskForm):
    """Every form: text with control characters (NUL breaks PostgreSQL) or invisible ones
    (bidirectional overrides, zero-width characters …) is refused."""

    # The fields in the order the page shows them, where that differs from the order they were
    # declared in (a subclass's fields come last): the error summary lists errors in this order.
    page_order: tuple[str, ...] = ()

    def errors_in_page_order(self) -> list[tuple[str, list]]:
        """``errors`` as (field name, messages) in page order; form-wide errors first."""
        order = [*self.page_order, *(name for name in self._fields if name not in self.page_order)]
        errors = self.errors
        return [(name, errors[name])
                for name in sorted(errors, key=lambda n: order.index(n) if n in order else -1)]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and has_control_characters(field.data):
                field.errors = [*(e for e in field.errors if e != CONTROL_PROBLEM), CONTROL_PROBLEM]
                valid = False
            elif integer_out_of_range(field.data) and not field.errors:
                field.errors = [*field.errors, _l("This number is far too large.")]
                valid = False
        self._errors = None
        return valid


class ConfirmForm(FlaskForm):
    """An empty form for POST-only buttons: the CSRF token is all it carries."""


__all__ = ["ALLOWED_CONTROL", "ConfirmForm", "SafeForm", "SelectChoice", "has_control_characters",
           "invisible_character", "one_line", "strip_text"]
