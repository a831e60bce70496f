"""Print pages (served CSS, no nav, no inline styles) and their PDFs, parsed with pypdf."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


@pytest.mark.parametrize("kind", ["master", "tables", "agenda"])
def test_print_page_and_pdf(app, client, login, published, kind):
    event, version = published()
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{version.number}/print/{kind}"
    response = client.get(base)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-label="Organiser"' not in html  # no navigation chrome
    assert "style=" not in html and "<style" not in html  # CSP: served stylesheet only
    css = re.search(r'href="([^"]+print\.css)"', html).group(1)
    assert "@page { size: A4" in client.get(css).get_data(as_text=True)
    pdf = client.get(base + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text, pages = _pdf_text(pdf.data)
    for m in version.meetings:
        assert m.attendee_a.name in text and m.attendee_b.name in text
    if kind == "master":
        assert "Round 1 · 13:00–13:15" in text and "Round 4" in text
    if kind == "tables":
        tables = {m.table_number for m in version.meetings}
        assert pages == len(tables)  # one page per table
        assert all(event.table_label(t) in text for t in tables)
    if kind == "agenda":
        names = [a.name for a in sorted(event.attendees, key=lambda a: a.name)]
        assert pages == -(-len(names) // 4)  # four cards to a page
        positions = [text.index(n) for n in names]
        # sorted by name: each card starts after the previous one
        assert [text.find(n) for n in names] == positions
        m = version.meetings[0]
        assert m.why.split()[0] in text


def test_print_needs_login(client, published):
    event, version = published()
    response = client.get(f"/organiser/events/{event.slug}/schedule/v/1/print/master.pdf")
    assert response.status_code == 302 and "/organiser/login" in response.headers["Location"]
