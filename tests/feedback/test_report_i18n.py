"""The outcome report's charts and group names in the reader's language (issue 11 audit)."""

from __future__ import annotations

from html import unescape

from meetmatch import report
from meetmatch.i18n import force_locale
from meetmatch.outcomes import outcome_report

CHART_TITLES_SV = ["Vad som hände med de planerade mötena",
                   "Vad deltagarna sa att de fick och kunde ge",
                   "Förutsagd poäng jämfört med vad båda sa att de fick", "Uteblivna per runda"]


def test_charts_are_drawn_in_swedish(seeded):
    event, who, rows = seeded()
    with force_locale("sv"):
        charts = {c.name: c for c in report.report_charts(outcome_report(event))}
    assert [c.title for c in charts.values()] == CHART_TITLES_SV
    assert [label for label, _n in charts["outcomes"].rows] == ["genomfört", "utebliven", "inställt",
                                                                "okänt"]
    assert [label for label, _n in charts["no-shows-by-round"].rows] == ["runda 1", "runda 2",
                                                                         "runda 3"]
    assert charts["gained-gave"].headers == ("", "fick", "kunde ge")
    svg = str(charts["outcomes"].svg)
    assert "genomfört" in svg and "held" not in svg  # the drawing itself, not only the table


def test_outcomes_page_in_swedish_has_no_english_chart_words(client, login, seeded):
    event, who, rows = seeded()
    who["Ada"].organisation = ""
    from meetmatch.extensions import db

    db.session.commit()
    login()
    page = unescape(client.get(f"/organiser/events/{event.slug}/outcomes?lang=sv").get_data(as_text=True))
    for title in CHART_TITLES_SV:
        assert f"{title}: siffrorna" in page
    assert "(ingen organisation)" in page and "(no organisation)" not in page
    assert "What happened" not in page and "No-shows by round" not in page
