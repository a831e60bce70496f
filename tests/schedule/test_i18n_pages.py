"""The organiser's schedule pages and printouts in Swedish: fixed words, reasons and numbers."""

from __future__ import annotations

import re
from html import unescape


def test_schedule_page_reasons_follow_the_organisers_language(client, login, published):
    event, version = published()
    login()
    path = f"/organiser/events/{event.slug}/schedule/v/{version.number}"
    english = unescape(client.get(path).get_data(as_text=True))
    assert re.search(r"\w+ offers '[^']+', which \w+ needs", english)
    assert "erbjuder" not in english

    swedish = unescape(client.get(path + "?lang=sv").get_data(as_text=True))
    assert '<html lang="sv">' in swedish and "Schemaversion" in swedish
    # the reasons' fixed words are Swedish; the quoted topics stay as the attendees wrote them
    assert re.search(r"\w+ erbjuder ”[^”]+”, som \w+ behöver", swedish)
    assert "offers '" not in swedish


def test_printouts_are_in_the_events_language(client, login, published):
    event, version = published(language="sv")
    login()
    page = unescape(client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}"
                               "/print/master").get_data(as_text=True))  # organiser in English
    assert "Runda 1" in page and "Bord 1" in page and "erbjuder ”" in page
    assert "Huvudschema" in page and "Master schedule" not in page
