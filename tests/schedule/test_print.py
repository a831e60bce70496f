"""Print pages (served CSS, no nav, no inline styles) and their PDFs, made by the background
worker (never in the web request) and parsed with pypdf."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from meetmatch.extensions import db
from meetmatch.models import Job
from meetmatch.schedules import versions
from meetmatch.worker import work_once


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"PDF_DIR": str(tmp_path / "pdf")}


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def _render_jobs(event) -> list[Job]:
    db.session.expire_all()
    return db.session.execute(
        db.select(Job).filter_by(event_id=event.id, kind="render_pdf").order_by(Job.id)).scalars().all()


def _fetch_pdf(client, url: str):
    """First request: the preparing page and a queued job; after the worker ran: the file."""
    first = client.get(url)
    assert first.status_code == 303 and first.mimetype != "application/pdf"
    page = client.get(first.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Preparing your PDF" in html and 'data-refresh-seconds="2"' in html
    assert work_once()["jobs"] == 1
    ready = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Your PDF is ready" in ready and "data-refresh-seconds" not in ready
    return _download(client, url)


def _download(client, url: str):
    response = client.get(url)
    response.get_data()  # buffered, so the served file can be closed now
    response.close()
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response


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
    pdf = _fetch_pdf(client, base + ".pdf")
    assert f'filename={event.slug}-v{version.number}-{kind}.pdf' in pdf.headers["Content-Disposition"]
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


def test_pdf_is_queued_once_and_made_by_the_worker(app, client, login, published, tmp_path):
    event, version = published()
    login()
    url = f"/organiser/events/{event.slug}/schedule/v/{version.number}/print/master.pdf"
    assert client.get(url).status_code == 303
    assert client.get(url).status_code == 303  # while the job waits: nothing new is queued
    status = client.get(url.removesuffix(".pdf") + "/pdf").get_data(as_text=True)
    assert "Waiting for the background worker" in status
    [job] = _render_jobs(event)
    assert job.status == "queued"
    assert not list((tmp_path / "pdf").rglob("*.pdf"))  # nothing rendered in the request
    work_once()
    # one job made all three kinds of the version: the others are served at once
    files = sorted(p.name for p in (tmp_path / "pdf" / str(event.id)).iterdir())
    assert [f.split("-")[1] for f in files] == ["agenda", "master", "tables"]
    for kind in ("tables", "agenda"):
        _download(client, url.replace("master", kind))
    assert len(_render_jobs(event)) == 1


def test_hand_adjustment_makes_a_new_pdf(app, client, login, published, tmp_path):
    event, version = published()
    draft = versions.copy_to_draft(version)
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{draft.number}"
    text, _ = _pdf_text(_fetch_pdf(client, f"{base}/print/master.pdf").data)
    assert "(draft)" in text and "Table 9" not in text
    meeting = draft.meetings[0]
    a, b = meeting.attendee_a.name, meeting.attendee_b.name
    moved = client.post(f"{base}/meetings/{meeting.id}/move",
                        data={"round_number": meeting.round_number, "table_number": 9})
    assert moved.status_code == 302
    # the stored file shows the old schedule: the request queues a new render instead
    text, _ = _pdf_text(_fetch_pdf(client, f"{base}/print/master.pdf").data)
    assert f"Table 9 {a}" in text and b in text
    assert len(_render_jobs(event)) == 2
    # the outdated file of the draft is gone; the published version's files were made too
    folder = tmp_path / "pdf" / str(event.id)
    assert len(list(folder.glob(f"v{draft.id}-master-*.pdf"))) == 1
    assert len(list(folder.glob(f"v{version.id}-*.pdf"))) == 3


def test_publishing_queues_the_pdfs(app, client, login, published, tmp_path):
    event, version = published()
    draft = versions.copy_to_draft(version)
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{draft.number}"
    assert client.post(f"{base}/publish").status_code == 302
    [job] = _render_jobs(event)
    assert job.status == "queued"
    work_once()
    text, _ = _pdf_text(_download(client, f"{base}/print/master.pdf").data)
    assert f"version {draft.number}" in text and "(draft)" not in text


def test_failed_render_shows_the_reason_and_retries(app, client, login, published, monkeypatch):
    from meetmatch.schedules import pdf

    event, version = published()
    login()
    status_url = f"/organiser/events/{event.slug}/schedule/v/{version.number}/print/tables/pdf"
    client.get(status_url)

    def broken(html):
        raise OSError("no fonts installed")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    work_once()
    page = client.get(status_url).get_data(as_text=True)
    assert "The PDF could not be made" in page and "no fonts installed" in page
    assert "data-refresh-seconds" not in page
    assert len(_render_jobs(event)) == 1  # a failure is not retried by every page view
    monkeypatch.undo()
    retried = client.post(status_url)
    assert retried.status_code == 302
    assert [j.status for j in _render_jobs(event)] == ["failed", "queued"]
    work_once()
    _download(client, status_url.removesuffix("/pdf") + ".pdf")


def test_print_needs_login(client, published):
    event, version = published()
    for path in ("master.pdf", "master/pdf"):
        response = client.get(f"/organiser/events/{event.slug}/schedule/v/1/print/{path}")
        assert response.status_code == 302 and "/organiser/login" in response.headers["Location"]
    assert client.post(f"/organiser/events/{event.slug}/schedule/v/1/print/master/pdf").status_code == 302


@pytest.mark.one_db  # a PDF's layout
@pytest.mark.slow  # builds the demo event and renders its agenda cards
def test_agenda_cards_never_clip_a_long_day(app):
    """On the demo event some people have six meetings with long reasons: every line of every
    card must be drawn inside the printable area (nothing hidden past the card's edge)."""
    from meetmatch.demo import seed_demo_event
    from meetmatch.schedules import engine_io, pdf, versions

    event, _ = seed_demo_event()
    version = engine_io.build_schedule(event, time_limit=5.0)
    longest = max(len(versions.meetings_for(version, a.id)) for a in event.attendees)
    assert longest > 4  # the case that used to overflow a quarter-page card
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(pdf.html_to_pdf(pdf.pdf_html(event, version, "agenda"))))
    bottom_margin_pt = 14 / 25.4 * 72  # @page margin 14mm
    lowest = []
    text = ""
    for page in reader.pages:
        ys = []
        page.extract_text(visitor_text=lambda t, cm, tm, fd, fs, ys=ys: t.strip() and ys.append(tm[5] * cm[3] + cm[5]))
        lowest.append(min(ys))
        text += page.extract_text()
    assert min(lowest) >= bottom_margin_pt - 1, lowest
    assert len(reader.pages) == -(-len(event.attendees) // 2)  # two wide cards to a page
    for m in version.meetings:
        assert m.attendee_a.name in text and m.attendee_b.name in text


@pytest.mark.one_db  # a PDF's layout
@pytest.mark.slow  # builds the demo event and renders its master schedule
def test_master_schedule_wastes_no_page_when_a_round_is_longer_than_one(app):
    """The demo's rounds, with reasons quoting both sides, are taller than an A4 page: the round
    must start under the title and flow on, not leave page 1 blank but for the heading."""
    from meetmatch.demo import seed_demo_event
    from meetmatch.schedules import engine_io, pdf

    event, _ = seed_demo_event()
    version = engine_io.build_schedule(event, time_limit=5.0)
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(pdf.html_to_pdf(pdf.pdf_html(event, version, "master"))))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert "Round 1" in pages[0] and "Table 1" in pages[0], pages[0][:300]
    for number, text in enumerate(pages, start=1):
        assert "Table " in text, f"page {number} has no meeting on it: {text[:200]}"
