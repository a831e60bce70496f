"""Values that end up in mail headers: refused at input, and checked again when a mail is built.

Two layers, because either alone has failed before. Python's ``email`` package before 3.11.10
and 3.12.5 (CVE-2024-6923) decodes RFC 2047 encoded words (``=?utf-8?q?…?=``) while it folds a
header and writes a decoded CR/LF as a real line break: an attendee named
``=?utf-8?q?x=0D=0AReply-To=3A_…?=`` got a ``Reply-To`` header and text of their choosing into
mail sent from the event's address, past every CR/LF filter.

* Input: :func:`header_text_problem` / :func:`check_header_text` refuse control characters and
  encoded-word syntax in every value that reaches a header (names, event names, MAIL_FROM).
* Build: :func:`header_text` flattens and defuses what is stored anyway (older rows, CSV files),
  and :data:`MAIL_POLICY` refuses to generate a header line that does not continue its header.
"""

from __future__ import annotations

import re
import unicodedata
from email import policy as email_policy
from email.headerregistry import Address
from email.policy import EmailPolicy

from flask_babel import lazy_gettext

# "=?" … "?=" in any order of what is between them: all an encoded word needs to be decoded.
ENCODED_WORD = re.compile(r"=\?.*\?=", re.DOTALL)
# Control characters (CR, LF, NUL, NEL …) and the Unicode line and paragraph separators.
_LINE_BREAKING = {"Cc", "Zl", "Zp"}

# Form errors, in the reader's language when shown (lazy: worked out when rendered).
CONTROL_PROBLEM = lazy_gettext("Remove the invisible control characters from this field.")
ENCODED_WORD_PROBLEM = lazy_gettext(
    "“=?” followed by “?=” is mail encoding syntax and cannot be used here; "
    "please write the text without it."
)


class UnsafeHeader(ValueError):
    """A header line would not be what was set (it would start a header or the body)."""


def header_text_problem(value: str) -> str | None:
    """Why ``value`` cannot go into a mail header, in words for a form; None when it can."""
    if any(unicodedata.category(ch) in _LINE_BREAKING for ch in value):
        return CONTROL_PROBLEM
    if ENCODED_WORD.search(value):
        return ENCODED_WORD_PROBLEM
    return None


def check_header_text(value):
    """A WTForms filter (and a plain check): ``value`` unchanged, or ValueError saying why not.

    WTForms turns a ValueError raised by a filter into an error on that field, so the form is
    shown again with the other input kept.
    """
    if isinstance(value, str):
        problem = header_text_problem(value)
        if problem:
            raise ValueError(problem)
    return value


def header_text(value: str | None) -> str:
    """Build time: one printable line, with every encoded-word opener broken up ("= ?").

    Stored values passed the form checks, but rows from before them, CSV imports and the CLI
    may not have: a mail to such a person still goes out, with the name shown literally.
    """
    line = " ".join("".join(ch if ch.isprintable() else " " for ch in value or "").split())
    return line.replace("=?", "= ?")


def check_mail_from(value: str) -> Address:
    """The MAIL_FROM setting as an address; ValueError naming the problem when it is unusable."""
    problem = header_text_problem(value or "")
    if problem:
        raise ValueError(f"{value!r}: control characters or “=?…?=” are not allowed")
    from email.headerregistry import HeaderRegistry

    parsed = HeaderRegistry()("From", value)
    if parsed.defects or len(parsed.addresses) != 1 or not parsed.addresses[0].domain:
        raise ValueError(f"{value!r} is not one address like 'Events <events@example.org>'")
    return parsed.addresses[0]


# A line break that does not continue a folded header starts a new header or the body.
_NEWLINE_WITHOUT_FWSP = re.compile(r"\r\n[^ \t]|\r[^ \n\t]|\n[^ \t]")
_NEWLINE_WITHOUT_FWSP_BYTES = re.compile(rb"\r\n[^ \t]|\r[^ \n\t]|\n[^ \t]")


class VerifyingPolicy(EmailPolicy):
    """``EmailPolicy`` that checks every header it generates, on any Python version.

    The same check as ``verify_generated_headers`` (Python 3.11.10+ / 3.12.5+), which the
    policy turns on as well where it exists.
    """

    def fold(self, name, value):
        folded = super().fold(name, value)
        _verify(name, folded, self.linesep, _NEWLINE_WITHOUT_FWSP)
        return folded

    def fold_binary(self, name, value):
        folded = super().fold_binary(name, value)
        _verify(name, folded, self.linesep.encode("ascii"), _NEWLINE_WITHOUT_FWSP_BYTES)
        return folded


def _verify(name, folded, linesep, pattern) -> None:
    if not folded.endswith(linesep) or pattern.search(folded[: -len(linesep)]):
        raise UnsafeHeader(f"the {name} header would break into several header lines")


_extra = {"verify_generated_headers": True} if hasattr(email_policy.SMTP, "verify_generated_headers") else {}
MAIL_POLICY = VerifyingPolicy(linesep="\r\n", **_extra)
"""The policy every outgoing mail is built with (``email.policy.SMTP`` plus the checks)."""
