"""What each printed page holds: the master schedule (no title-only page, rounds kept whole where
they fit, their header repeated where they flow on, landscape for many tables), folded table
cards and agenda cards. Made with WeasyPrint and read back page by page with pypdf."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from meetmatch.extensions import db
from meetmatch.schedules import pdf, review

from .conftest import PEOPLE

pytestmark = pytest.mark.one_db  # printouts' layout: the database plays no part


def _pages(app, event, version, kind) -> tuple[list[str], list]:
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(pdf.html_to_pdf(pdf.pdf_html(event, version, kind))))
    return [" ".join(page.extract_text().split()) for page in reader.pages], reader.pages


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _landscape(page) -> bool:
    return page.mediabox.width > page.mediabox.height


def test_master_small_event_rounds_stay_whole_under_the_title(app, published):
    event, version = published()
    texts, pages = _pages(app, event, version, "master")
    assert not _landscape(pages[0])  # five tables: portrait
    assert event.name in texts[0] and "Round 1 · 13:00–13:15" in texts[0] and "Table 1" in texts[0]
    for number in range(1, 5):
        holding = [i for i, text in enumerate(texts) if f"Round {number} ·" in text]
        assert len(holding) == 1, f"round {number} split over pages {holding}"
        page = texts[holding[0]]
        for m in (m for m in version.meetings if m.round_number == number):
            assert f"{m.attendee_a.name} ({m.attendee_a.organisation})" in page


def test_master_prints_landscape_for_many_tables(app, make_event, make_attendee):
    from meetmatch.schedules import engine_io

    event = make_event(rounds=2)
    for i in range(16):  # eight tables a round
        name, org, offers, needs = PEOPLE[i % len(PEOPLE)]
        make_attendee(event, name=f"{name} {i}", organisation=f"{org} {i}", offers=offers, needs=needs,
                      email=f"p{i}@example.com")
    version = engine_io.build_schedule(event, time_limit=2.0)
    assert max(sum(m.round_number == r for m in version.meetings) for r in (1, 2)) >= 8
    texts, pages = _pages(app, event, version, "master")
    assert all(_landscape(p) for p in pages)
    assert "Round 1 ·" in texts[0]


def test_table_cards_are_folded_tents_one_table_each(app, published):
    event, version = published(venue="Main hall")
    texts, pages = _pages(app, event, version, "tables")
    tables = sorted({m.table_number for m in version.meetings})
    assert len(pages) == len(tables)
    for number, text in zip(tables, texts, strict=True):
        assert not _landscape(pages[0])
        assert "fold here" in text
        assert text.count(event.name) == 2  # on both halves of the tent
        here = [m for m in version.meetings if m.table_number == number]
        for m in here:
            assert f"Round {m.round_number}" in text
            assert f"{m.attendee_a.name} & {m.attendee_b.name}" in text
        others = [m for m in version.meetings if m.table_number != number]
        assert not any(f"{m.attendee_a.name} & {m.attendee_b.name}" in text for m in others)


def test_table_card_number_is_large(app, published):
    """The table number is drawn at least 100 pt high: readable across a room."""
    event, version = published()
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(pdf.html_to_pdf(pdf.pdf_html(event, version, "tables"))))
    sizes = {}

    def visit(text, cm, tm, font, size):  # noqa: ARG001
        if text.strip():
            sizes[text.strip()] = max(sizes.get(text.strip(), 0), abs(size * tm[3] * cm[3]) or size)

    reader.pages[0].extract_text(visitor_text=visit)
    assert max(sizes.get("1", 0), *(v for k, v in sizes.items() if k.startswith("1"))) >= 100, sizes


def test_named_tables_print_their_name_on_the_tent(app, published):
    event, version = published(table_names="Oak\nThe long boardroom upstairs")
    with app.test_request_context():
        html = pdf.pdf_html(event, version, "tables")
    assert '<p class="tent-big large">Oak</p>' in html
    assert '<p class="tent-big medium">The long boardroom upstairs</p>' in html
    assert '<p class="tent-big huge">3</p>' in html and '<p class="tent-above">Table</p>' in html

def test_agenda_card_tells_when_where_who_and_why(app, published):
    event, version = published(venue="Main hall, Storgatan 1")
    texts, _ = _pages(app, event, version, "agenda")
    ada = next(a for a in event.attendees if a.name == "Ada Lovelace")
    # cards are sorted by name, four to a page: Ada's is first, Ben's card follows it
    card = texts[0].split(f"Ben Okafor · Pixelry {event.name}")[0]
    assert card.startswith("Ada Lovelace · Analytical")
    assert event.name in card and "Thursday 10 December 2026" in card and "Main hall, Storgatan 1" in card
    mine = sorted((m for m in version.meetings if ada.id in (m.attendee_a_id, m.attendee_b_id)),
                  key=lambda m: m.round_number)
    assert mine
    for m in mine:
        r = event.rounds[m.round_number - 1]
        partner = m.partner_of(ada.id)
        line = (f"{r.starts_at:%H:%M}–{r.ends_at:%H:%M} · Round {m.round_number} · "
                f"{event.table_label(m.table_number)} {partner.name}, {partner.organisation}")
        assert line in card, (line, card)
        reason = " ".join(review.reason_for(m, ada.id).split())
        assert reason[:40] in card
    with app.test_request_context():
        html = pdf.pdf_html(event, version, "agenda")
    cards = html.count('class="agenda-card"')
    assert cards == len(event.attendees) and html.count('<div class="qr-slot"><svg') == cards  # a QR on each


def test_logo_on_the_printed_master_schedule(app, published):
    event, version = published()
    event.logo_png = _png()
    db.session.commit()
    with app.test_request_context():
        html = pdf.pdf_html(event, version, "master")
        assert 'class="print-logo" src="data:image/png;base64,' in html
        reader = PdfReader(io.BytesIO(pdf.html_to_pdf(html)))
    assert list(reader.pages[0].images), "the logo is drawn on page 1"


@pytest.mark.slow  # builds the demo event and renders its master schedule
def test_master_schedule_long_rounds_repeat_their_header(app):
    """Demo rounds are taller than a page: every page names the round it shows, and a round
    starts a new page only where it would fit on one."""
    from meetmatch.demo import seed_demo_event
    from meetmatch.schedules import engine_io

    event, _ = seed_demo_event()
    version = engine_io.build_schedule(event, time_limit=5.0)
    texts, pages = _pages(app, event, version, "master")
    assert all(_landscape(p) for p in pages)  # twenty tables
    assert "Round 1 ·" in texts[0] and "Table 1" in texts[0]
    for number, text in enumerate(texts, start=1):
        assert "Round " in text and "Table Person Person Why" in text, f"page {number}: {text[:200]}"
