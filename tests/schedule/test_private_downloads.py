"""Printouts show everyone's meetings: PDFs are never kept by a browser's or a proxy's cache
(issue 9, #11)."""

from __future__ import annotations

from meetmatch.worker import work_once


def test_schedule_pdf_and_print_page_are_never_stored_by_a_cache(client, login, published):
    event, version = published()
    login()
    url = f"/organiser/events/{event.slug}/schedule/v/{version.number}/print/master"
    assert client.get(url).headers["Cache-Control"] == "no-store"
    assert client.get(url + ".pdf").status_code == 303  # queued for the worker
    assert work_once()["jobs"] == 1
    response = client.get(url + ".pdf")
    response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
