"""No untranslated text in the templates: every word a reader sees goes through ``_()``.

The sweep parses each template with Jinja and looks at its literal text (what is not an
expression, tag or comment): outside HTML tags, and in the attributes people read (title,
placeholder, alt, aria-label), it may hold punctuation, numbers and entities, but no words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Pages and mail attendees see, and the organiser's pages and printouts.
ATTENDEE_FACING = ["base.html", "_macros.html", "_language_switch.html", "errors/*", "attendee/*",
                   "email/*"]
ORGANISER_AND_PRINT = ["_*.html", "organiser/*", "print/*", "schedule/*"]
ALLOWED_WORDS = {"meetmatch", "nbsp", "amp", "lt", "gt", "quot", "middot", "ndash", "mdash",
                 "hellip", "times", "rarr", "larr", "harr"}
READ_ATTRIBUTES = re.compile(r'\b(?:title|placeholder|alt|aria-label)="([^"{]*)"')
WORD = re.compile(r"[^\W\d_]{2,}")


def _literal_text(source: str) -> str:
    env = Environment(extensions=["jinja2.ext.i18n"])
    tree = env.parse(source)
    return "\n".join(node.data for node in tree.find_all(nodes.TemplateData))


def untranslated_words(source: str, html: bool = True) -> list[str]:
    """Words in a template's literal text that a reader would see untranslated."""
    text = _literal_text(source)
    found = []
    if html:
        text = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", text)
        text = re.sub(r"(?s)<!--.*?-->", " ", text)
        found += [w for value in READ_ATTRIBUTES.findall(text) for w in WORD.findall(value)]
        text = re.sub(r"(?s)<[^<>]*>", " ", text)
        text = re.sub(r"(?s)<[^<>]*$|^[^<>]*>", " ", text)  # a tag cut by a Jinja expression
    found += WORD.findall(text)
    return [w for w in found if w.lower() not in ALLOWED_WORDS]


def _templates(patterns: list[str]) -> list[Path]:
    return sorted({p for pattern in patterns for p in TEMPLATES.glob(pattern) if p.is_file()
                   and p.suffix in (".html", ".txt")})


def _assert_all_wrapped(path: Path) -> None:
    words = untranslated_words(path.read_text(), html=path.suffix == ".html")
    assert not words, f"{path.relative_to(TEMPLATES)}: wrap in {{{{ _('…') }}}}: {words[:20]}"


@pytest.mark.parametrize("path", _templates(ATTENDEE_FACING),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_attendee_facing_templates_have_no_untranslated_text(path):
    _assert_all_wrapped(path)


@pytest.mark.parametrize("path", [p for p in _templates(ORGANISER_AND_PRINT)
                                  if p not in _templates(ATTENDEE_FACING)],
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_organiser_and_print_templates_have_no_untranslated_text(path):
    _assert_all_wrapped(path)


def test_the_sweep_finds_plain_text_and_accepts_wrapped_text():
    assert untranslated_words("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_words('<input placeholder="Your name">') == ["Your", "name"]
    assert untranslated_words("Round {{ n }}, {{ table }}", html=False) == ["Round"]
    assert untranslated_words("<p>{{ _('Hello %(name)s', name=name) }} · 12:00–13:00</p>") == []
    assert untranslated_words('<a href="{{ url }}" class="button secondary">{{ _("Go") }}</a>') == []
    assert untranslated_words("<p>{% trans %}Hello{% endtrans %}</p>") == []


# Calls whose string arguments are not text for a reader (or are the translation itself).
NOT_TEXT_CALLS = {"_", "gettext", "ngettext", "lazy_gettext", "url_for", "dict", "range"}


def untranslated_arguments(source: str) -> list[str]:
    """Plain strings of words passed to a macro or helper (``post_button(url, 'Copy to a new
    draft', …)``): the literal-text sweep above does not see them, yet readers do."""
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    found = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in NOT_TEXT_CALLS:
            continue
        for arg in [*call.args, *(kw.value for kw in call.kwargs)]:
            if (isinstance(arg, nodes.Const) and isinstance(arg.value, str) and " " in arg.value
                    and len(WORD.findall(arg.value)) >= 2):
                found.append(arg.value)
    return found


@pytest.mark.parametrize("path", _templates(ATTENDEE_FACING + ORGANISER_AND_PRINT),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_untranslated_text_is_passed_to_macros(path):
    found = untranslated_arguments(path.read_text())
    assert not found, f"{path.relative_to(TEMPLATES)}: wrap in _('…'): {found}"


def test_the_argument_sweep_finds_a_plain_label_and_accepts_classes_and_endpoints():
    assert untranslated_arguments("{{ post_button(u, 'Copy to a draft', f, 'secondary') }}") == [
        "Copy to a draft"]
    assert untranslated_arguments("{{ post_button(u, _('Copy to a draft'), f, 'secondary') }}") == []
    assert untranslated_arguments("{{ field(f, autocomplete='current-password') }}") == []
    assert untranslated_arguments("{% if has_endpoint('schedule.index') %}x{% endif %}") == []
