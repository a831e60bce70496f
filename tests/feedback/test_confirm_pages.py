"""Feedback requests and "mark the rest as no-shows" ask first, on a page that names the people
and says what will happen (issue 11: confirm every action that mails people or withdraws them)."""

from __future__ import annotations

from html import unescape

from meetmatch.extensions import db
from meetmatch.models import Attendee, OutboxMessage


def test_feedback_request_asks_first_and_names_the_people(client, login, seeded):
    event, who, rows = seeded(held=True)
    who["Femi"].status = "no_show"  # did not come: not asked
    db.session.commit()
    login()
    outcomes = client.get(f"/organiser/events/{event.slug}/outcomes").get_data(as_text=True)
    url = f"/organiser/events/{event.slug}/outcomes/request"
    assert f'href="{url}"' in outcomes
    page = unescape(client.get(url + "?lang=sv").get_data(as_text=True))
    assert "Be om återkoppling?" in page
    assert "Det här mejlar 5 personer som hade möten en länk" in page and "Mejla 5 personer" in page
    assert "Ada Test" in page and "Femi Test" not in page
    assert db.session.query(OutboxMessage).count() == 0
    client.post(url)
    assert db.session.query(OutboxMessage).filter_by(kind="feedback_request").count() == 5


def test_marking_the_rest_absent_asks_first(client, login, seeded):
    from meetmatch import checkin

    event, who, rows = seeded()
    checkin.check_in(who["Ada"])  # here: not marked
    login()
    waiting = checkin.not_checked_in(event)
    url = f"/organiser/events/{event.slug}/checkin/absent-rest"
    page = unescape(client.get(url + "?lang=sv").get_data(as_text=True))
    assert "Markera dem som inte har kommit som uteblivna?" in page
    assert f"{len(waiting)} personer som inte har checkat in markeras som uteblivna. Ingen mejlas." in page
    assert all(a.name in page for a in waiting) and who["Ada"] not in waiting
    assert db.session.query(Attendee).filter_by(status="no_show").count() == 0
    client.post(url)
    assert db.session.query(Attendee).filter_by(status="no_show").count() == len(waiting)
