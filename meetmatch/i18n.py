"""Languages (English and Swedish) and locale-aware formatting.

Use ``_``/``ngettext`` for text built during a request or while rendering a mail, and
``lazy_gettext`` for text defined at import time (form labels, module constants). Templates get
``_``/``ngettext`` from Flask-Babel (new-style: ``{{ _('%(n)s meetings', n=count) }}``).

Which language a page or mail is in, first match wins:

1. a ``?lang=xx`` switch on this request (remembered in the visitor's session);
2. the attendee's stored choice, on the attendee's own pages (``use_attendee``) and in their mail
   (``force_locale(language_of(attendee))``);
3. the visitor's earlier switch (session);
4. the event's default language, on the event's public pages (``use_event``);
5. the browser's ``Accept-Language``;
6. English.

Dates and times: round times are stored as wall-clock times in the event's time zone, so they
are formatted as they are (``fmt_date``/``fmt_time``); moments stored in UTC (sent mail, jobs,
registrations) are converted to the event's zone first (``fmt_moment``).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, force_locale, get_locale, gettext, lazy_gettext, ngettext, refresh

__all__ = [
    "LANGUAGES", "DEFAULT_LANGUAGE", "_", "gettext", "lazy_gettext", "ngettext", "force_locale",
    "init_app", "current_language", "chosen_language", "language_of", "language_of_event",
    "use_event", "use_attendee", "status_label", "phase_label", "fmt_date", "fmt_time", "fmt_moment",
    "fmt_datetime", "fmt_number", "fmt_percent", "timezone_choices", "is_timezone",
    "compile_catalogues",
]

_ = gettext

# Language code -> its own name (the switch shows each language in itself).
LANGUAGES: dict[str, str] = {"en": "English", "sv": "Svenska"}
DEFAULT_LANGUAGE = "en"
TRANSLATIONS = Path(__file__).with_name("translations")

log = logging.getLogger(__name__)
babel = Babel()


def init_app(app: Flask) -> None:
    """Flask-Babel with our locale selector, the ``?lang=`` switch and the format filters."""
    compile_catalogues(TRANSLATIONS)
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE,
                   default_translation_directories=str(TRANSLATIONS),
                   locale_selector=_select_locale)

    @app.before_request
    def remember_switch() -> None:
        # Tests (and CLI code) may run requests inside one app context, whose ``g`` outlives a
        # request: start each request from a clean slate.
        for key in ("language_switch", "i18n_event", "i18n_attendee"):
            g.pop(key, None)
        refresh()
        choice = request.args.get("lang", "")
        if choice in LANGUAGES:
            session["lang"] = choice
            g.language_switch = choice

    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["time"] = fmt_time
    app.jinja_env.filters["moment"] = fmt_moment
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["number"] = fmt_number
    app.jinja_env.filters["percent"] = fmt_percent

    @app.context_processor
    def language_helpers() -> dict:
        return {"LANGUAGES": LANGUAGES, "current_language": current_language,
                "language_switch_url": language_switch_url, "status_label": status_label,
                "phase_label": phase_label}


def _select_locale() -> str:
    if not has_request_context():  # the worker, the CLI: English unless force_locale says
        return DEFAULT_LANGUAGE
    attendee = g.get("i18n_attendee")
    event = g.get("i18n_event")
    for choice in (g.get("language_switch"), getattr(attendee, "language", None),
                   session.get("lang"), getattr(event, "language", None)):
        if choice in LANGUAGES:
            return choice
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language code of the page or mail being rendered ("en" or "sv")."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def chosen_language() -> str | None:
    """The language the visitor switched to on this request (``?lang=``), if any."""
    return g.get("language_switch") if has_request_context() else None


def language_of(attendee) -> str:
    """The language of an attendee's mail and calendar texts: their choice, else the event's."""
    for choice in (getattr(attendee, "language", None),
                   getattr(getattr(attendee, "event", None), "language", None)):
        if choice in LANGUAGES:
            return choice
    return DEFAULT_LANGUAGE


def language_of_event(event) -> str:
    """The event's default language (English without an event)."""
    choice = getattr(event, "language", None)
    return choice if choice in LANGUAGES else DEFAULT_LANGUAGE


def use_event(event) -> None:
    """This request shows ``event``'s public pages: its default language applies."""
    g.i18n_event = event
    refresh()


def use_attendee(attendee) -> None:
    """This request shows ``attendee``'s own page: their stored choice applies."""
    g.i18n_event = attendee.event
    g.i18n_attendee = attendee
    refresh()


STATUS_LABELS = {
    # an attendee
    "registered": lazy_gettext("registered"),
    "withdrawn": lazy_gettext("withdrawn"),
    "no_show": lazy_gettext("no-show"),
    # a schedule version
    "draft": lazy_gettext("draft"),
    "published": lazy_gettext("published"),
    # a background job ("A build is queued.") and a message of the outbox
    "queued": lazy_gettext("queued"),
    "running": lazy_gettext("running"),
    "done": lazy_gettext("done"),
    "failed": lazy_gettext("failed"),
    "sending": lazy_gettext("sending"),
    "sent": lazy_gettext("sent"),
}

# What a schedule build is doing (``progress.phase``), for the organiser's progress page.
PHASE_LABELS = {
    "scoring": lazy_gettext("comparing what people offer and need"),
    "bound": lazy_gettext("working out the best possible"),
    "warm start": lazy_gettext("a first schedule"),
    "search": lazy_gettext("improving the schedule"),
    "compacting": lazy_gettext("closing gaps in people's days"),
    "colouring": lazy_gettext("assigning tables"),
    "explaining": lazy_gettext("writing the reasons"),
    "restarted": lazy_gettext("started again"),
    "rendering": lazy_gettext("drawing the pages"),
}


def status_label(status: str) -> str:
    """A status (an attendee's, a version's, a job's, a message's) in words of the current
    language."""
    return str(STATUS_LABELS.get(status, status.replace("_", " ")))


def phase_label(phase: str | None) -> str:
    """What a background job is doing, in words of the current language ("" if unknown)."""
    return str(PHASE_LABELS[phase]) if phase in PHASE_LABELS else ""


def language_switch_url(code: str) -> str:
    """This page's address with ``?lang=code`` (keeps the path and the other arguments)."""
    args = request.args.to_dict()
    args["lang"] = code
    return f"{quote(request.path)}?{urlencode(args)}"


# --- formatting ---------------------------------------------------------------------------

def _locale() -> Locale:
    return get_locale() or Locale.parse(DEFAULT_LANGUAGE)


def fmt_date(value: date | datetime | None) -> str:
    """``Saturday 14 March 2026`` / ``lördag 14 mars 2026`` (wall-clock, no conversion)."""
    if not value:
        return ""
    return babel_dates.format_date(value, "EEEE d MMMM y", locale=_locale())


def fmt_short_date(value: date | datetime | None) -> str:
    """``14 Mar 2026`` / ``14 mars 2026``."""
    if not value:
        return ""
    return babel_dates.format_date(value, "medium", locale=_locale())


def fmt_time(value: datetime | None) -> str:
    """``14:05`` in both languages (a wall-clock time in the event's zone)."""
    if not value:
        return ""
    return babel_dates.format_time(value, "HH:mm", locale=_locale())


def fmt_moment(value: datetime | None, timezone: str | None = None) -> str:
    """A moment stored in UTC (naive), shown in the event's time zone: ``14 Mar 2026, 14:05``."""
    if not value:
        return ""
    zone = _zone(timezone or getattr(g.get("i18n_event"), "timezone", None) or "UTC")
    return fmt_datetime(value.replace(tzinfo=value.tzinfo or UTC).astimezone(zone).replace(tzinfo=None))


def fmt_datetime(local: datetime | None) -> str:
    """A wall-clock time already in the event's zone, with its date: ``14 Mar 2026, 14:05``."""
    if not local:
        return ""
    locale = _locale()
    glue = str(locale.datetime_formats.get("medium", "{1} {0}"))  # "{1}, {0}" / "{1} {0}"
    return glue.format(babel_dates.format_time(local, "HH:mm", locale=locale),
                       babel_dates.format_date(local, "d MMM y", locale=locale))


def fmt_number(value: float | int | None, digits: int = 0) -> str:
    """``1,234.5`` / ``1 234,5``."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale())


def fmt_percent(value: float | None, digits: int = 0) -> str:
    """A share 0..1 as ``42%`` / ``42 %``."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_numbers.format_percent(value, format=pattern, locale=_locale())


# --- time zones ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    # Area/City names only: the list a person picks from (no "Etc/GMT+3", "EST5EDT", "posixrules").
    areas = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
             "Europe", "Indian", "Pacific")
    return tuple(sorted(name for name in available_timezones()
                        if name.split("/")[0] in areas or name == "UTC"))


def timezone_choices() -> list[tuple[str, str]]:
    """(value, label) pairs of the IANA time zones for a select field."""
    return [(name, name.replace("_", " ")) for name in _zone_names()]


def is_timezone(name: str) -> bool:
    """A zone of ``timezone_choices`` (anything else is refused)."""
    return name in _zone_names()


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# --- catalogues ---------------------------------------------------------------------------

def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every ``messages.po`` under ``directory`` whose ``.mo`` is missing or older.

    Installs compile at build time (``setup.py``); this catches a checkout where a ``.po`` was
    edited since. A read-only install with up-to-date catalogues writes nothing.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        # Written aside and renamed: several processes starting at once (gunicorn workers) never
        # read a half-written catalogue.
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
        try:
            with partial.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            os.replace(partial, mo_path)
        except OSError as error:  # read-only install: keep the shipped .mo
            log.warning("could not compile %s: %s", po_path, error)
            partial.unlink(missing_ok=True)
            continue
        written.append(mo_path)
    return written
