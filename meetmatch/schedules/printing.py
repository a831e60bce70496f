"""Print-ready schedules: the master schedule, table cards and agenda cards of a saved version.

The same HTML serves the print page in the browser and the PDF the worker makes (``pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import render_template
from markupsafe import Markup

from ..i18n import _, force_locale, language_of, language_of_event, lazy_gettext
from ..models import Attendee, Event, ScheduleVersion
from . import review

# The stylesheet is served by the schedule blueprint and handed to WeasyPrint from the same file.
PRINT_CSS = Path(__file__).resolve().parent.parent / "schedule" / "static" / "print.css"
KINDS = {"master": lazy_gettext("Master schedule"), "tables": lazy_gettext("Table cards"),
         "agenda": lazy_gettext("Agenda cards")}
# From this many tables in one round the master schedule prints landscape: the reasons column
# gets the width, so each row takes fewer lines and more of a round fits on one page.
LANDSCAPE_FROM_TABLES = 8


def render_print_html(template: str, *, pdf: bool = False, **context) -> str:
    """Render ``print/<template>.html``; for a PDF the stylesheet is handed to WeasyPrint."""
    return render_template(f"print/{template}.html", pdf=pdf, **context)


def print_context(event: Event, version: ScheduleVersion, kind: str) -> dict:
    """What the print page of one kind shows, read from the saved version."""
    context = {"event": event, "version": version, "kind": kind, "title": KINDS[kind]}
    context["starts"] = event.rounds[0].starts_at if event.rounds else None
    if kind == "master":
        context["rounds"] = review.by_round(event, version)
        busiest = max((len(rv.meetings) for rv in context["rounds"]), default=0)
        context["landscape"] = busiest >= LANDSCAPE_FROM_TABLES
    elif kind == "tables":
        tables: dict[int, list] = {}
        for m in version.meetings:
            tables.setdefault(m.table_number, []).append(m)
        context["tables"] = [(tent_label(event, t), sorted(ms, key=lambda m: m.round_number))
                             for t, ms in sorted(tables.items())]
        context["round_by_number"] = review.rounds_of(event)
    else:
        people = [p for p in review.by_attendee(event, version) if p.attendee.is_active or p.meetings]
        codes = agenda_qr_codes([p.attendee for p in people])
        # Four cards to a page while they fit; people with more meetings get half a page each
        # (full width, so each reason takes fewer lines). Cards grow rather than clip.
        longest = max((len(p.meetings) for p in people), default=0)
        per_page = 4 if longest <= 4 else 2
        cards = [agenda_card(event, p.attendee, p.meetings, codes.get(p.attendee.id), context["starts"])
                 for p in people]
        context["pages"] = agenda_pages(cards, per_page)
        context["wide"] = per_page == 2
    return context


def print_html(event: Event, version: ScheduleVersion, kind: str, *, pdf: bool = False) -> str:
    """The print page of one kind; with ``pdf`` the HTML a PDF is made from (no links, no
    stylesheet tag). Printouts are in the event's language, whoever asks: the page, the worker's
    PDF and its fingerprint agree (a PDF named by another language's HTML would never be found)."""
    with force_locale(language_of_event(event)):
        return render_print_html(kind, pdf=pdf, **print_context(event, version, kind))


def agenda_card(event: Event, attendee: Attendee, meetings: list, qr: str | None,
                starts: datetime | None) -> Markup:
    """One attendee's agenda card in their own language (their choice, else the event's): the
    card is theirs to carry, whatever language the rest of the printout is in."""
    with force_locale(language_of(attendee)):
        items = review.agenda(event, attendee, meetings)
        return Markup(render_template("print/_agenda_card.html", event=event, attendee=attendee,
                                      items=items, qr=qr, starts=starts))


def agenda_pages(cards: list, per_page: int = 4) -> list[list]:
    """Agenda cards grouped several to an A4 page, ready to cut."""
    return [cards[i:i + per_page] for i in range(0, len(cards), per_page)]


@dataclass(frozen=True)
class TentLabel:
    """What a folded table card shows: a short word above and the big mark readable across a
    room (the number of "Table 7"; a named table's whole name, smaller as it gets longer)."""

    above: str
    big: str
    size: str  # a CSS class: "huge" (a number), "large" or "medium" (names)


def tent_label(event: Event, number: int) -> TentLabel:
    """The table card's label for table ``number``."""
    label = event.table_label(number)
    if label == _("Table %(number)s", number=number):  # not a named table
        return TentLabel(_("Table"), str(number), "huge")
    return TentLabel("", label, "large" if len(label) <= 10 else "medium")


def agenda_qr_codes(attendees: list[Attendee]) -> dict[int, str]:
    """{attendee id: SVG QR code to their own page} for the agenda cards (``meetmatch.qr``),
    for everyone at once: one query and at most one commit, not one per card."""
    from ..qr import card_qr_codes

    return card_qr_codes(attendees)
