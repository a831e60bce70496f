"""Schedule exports: CSV (one row per meeting) and an Excel workbook (all meetings, then one sheet
per round), read back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook


def _url(event, version, ext):
    return f"/organiser/events/{event.slug}/schedule/v/{version.number}/meetings.{ext}"


def test_csv_has_one_row_per_meeting(client, login, published):
    event, version = published()
    login()
    response = client.get(_url(event, version, "csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"{event.slug}-v{version.number}-meetings.csv" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == len(version.meetings)
    for row, m in zip(rows, version.meetings, strict=True):
        assert row["Round"] == str(m.round_number)
        assert row["Table"] == event.table_label(m.table_number)
        assert {row["Person"], row["Partner"]} == {m.attendee_a.name, m.attendee_b.name}
        assert row["Email"] == m.attendee_a.email and row["Partner's organisation"] == m.attendee_b.organisation
        r = event.rounds[m.round_number - 1]
        assert row["Starts"] == f"{r.starts_at:%Y-%m-%d %H:%M}" and row["Ends"] == f"{r.ends_at:%Y-%m-%d %H:%M}"
        assert row["Why"]


def test_workbook_has_all_meetings_and_a_sheet_per_round(client, login, published):
    event, version = published()
    login()
    response = client.get(_url(event, version, "xlsx"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "no-store"  # names and emails: no cached copy
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["All meetings", "Round 1 13.00", "Round 2 13.20", "Round 3 13.40",
                               "Round 4 14.00"]
    everything = list(book["All meetings"].iter_rows(values_only=True))
    assert everything[0][:5] == ("Round", "Starts", "Ends", "Table", "Person")
    assert len(everything) - 1 == len(version.meetings)
    for number, name in enumerate(book.sheetnames[1:], start=1):
        rows = list(book[name].iter_rows(values_only=True))[1:]
        expected = [m for m in version.meetings if m.round_number == number]
        assert len(rows) == len(expected)
        assert [{r[4], r[7]} for r in rows] == [{m.attendee_a.name, m.attendee_b.name} for m in expected]
        assert all(r[1] == event.rounds[number - 1].starts_at for r in rows)  # a real date and time


def test_exports_write_formulas_as_text(client, login, published, app):
    from meetmatch.extensions import db

    event, version = published()
    person = version.meetings[0].attendee_a
    person.organisation = "=HYPERLINK(\"http://evil.example\")"
    db.session.commit()
    login()
    text = client.get(_url(event, version, "csv")).data.decode("utf-8")
    assert "'=HYPERLINK" in text
    book = load_workbook(io.BytesIO(client.get(_url(event, version, "xlsx")).data))
    cells = [c for row in book["All meetings"].iter_rows() for c in row if c.value == person.organisation]
    assert cells and all(c.data_type == "s" for c in cells)


def test_exports_need_the_events_organiser(client, login, published, make_organiser):
    event, version = published()
    assert client.get(_url(event, version, "csv")).status_code == 302  # to the login page
    make_organiser(email="other@example.com")
    login(email="other@example.com")
    assert client.get(_url(event, version, "xlsx")).status_code == 404


def test_print_tab_links_the_exports(client, login, published):
    event, version = published()
    login()
    html = client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}/print").get_data(as_text=True)
    assert f'href="{_url(event, version, "xlsx")}"' in html and f'href="{_url(event, version, "csv")}"' in html
