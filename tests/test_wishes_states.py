"""Wishes say what is true in each state: the attendee's "Suggested for you" (wishes not open
yet, open and being computed, computed, closed) and the organiser's mail of the suggestions,
which is offered and sent only while wishes are open."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest

from meetmatch import wishes
from meetmatch.extensions import db
from meetmatch.models import OutboxMessage

from .helpers import listed_three


@pytest.fixture
def pair(app, make_event, make_attendee):
    """An event (wishes not opened) with Ida and Leo, who suit each other, and Eva, who suits
    nobody; all three listed."""
    app.config.update(SCORER="lexical", SUGGESTIONS_REFRESH_SECONDS=0)
    event = make_event()
    ida, leo, eva = listed_three(event, make_attendee)
    return event, ida, leo, eva


@pytest.fixture
def suggested(client):
    """The "Suggested for you" part of an attendee's "Who is coming" page."""
    from meetmatch.registration import issue_manage_link

    def _suggested(attendee, lang=None) -> str:
        path = issue_manage_link(attendee, "test").removeprefix("http://localhost")
        db.session.commit()
        # (no ?lang= unless asked: choosing a language changes the profile, hence the suggestions)
        page = unescape(client.get(f"{path}/people" + (f"?lang={lang}" if lang else ""))
                        .get_data(as_text=True))
        return page.split('id="suggested"')[1].split('id="everyone"')[0]

    return _suggested


def _computed(event):
    """Suggestions computed now, as the worker does (profiles unchanged since)."""
    wishes.compute_suggestions(event)


PREPARING = "Your suggestions are being prepared. Look again in a few minutes."


def test_before_wishes_open_suggestions_are_promised_for_when_they_open(pair, suggested):
    event, ida, leo, eva = pair
    part = suggested(ida)
    assert "Your suggestions come when the organiser opens wishes." in part
    assert PREPARING not in part
    assert "Dina förslag kommer när arrangören öppnar önskemålen." in suggested(ida, "sv")


def test_open_wishes_being_computed_then_computed(pair, suggested):
    event, ida, leo, eva = pair
    event.wishes_open = True
    db.session.commit()
    assert PREPARING in suggested(ida)
    _computed(event)
    assert "Leo Sund" in suggested(ida)
    assert "No suggestions for you yet: nobody listed offers" in suggested(eva)
    # Eva changes her profile: the worker computes again, so hers are on their way.
    eva.organisation = "Coach AB"
    db.session.commit()
    assert PREPARING in suggested(eva)


def test_closed_wishes_never_say_being_prepared(pair, suggested):
    event, ida, leo, eva = pair
    event.wishes_open = True
    db.session.commit()
    _computed(event)
    event.wishes_open = False  # the organiser closes them
    eva.organisation = "Coach AB"  # changed after the last computation: nothing recomputes now
    db.session.commit()
    assert "Leo Sund" in suggested(ida)  # computed ones stay
    part = suggested(eva)
    assert PREPARING not in part
    assert "Suggestions are updated only while wishes are open." in part
    # Closed by the closing time (still ticked open).
    event.wishes_open = True
    event.wishes_close_at = wishes.local_now(event) - timedelta(minutes=1)
    db.session.commit()
    part = suggested(eva)
    assert PREPARING not in part and "wishes are closed, so suggestions are no longer updated" in part
    event.suggestions_at = None
    db.session.commit()
    part = suggested(eva)
    assert PREPARING not in part and "wishes closed before they were computed" in part


def _invite(event) -> str:
    return f"/organiser/events/{event.slug}/wishes/invite"


def _mails() -> int:
    return db.session.query(OutboxMessage).filter_by(kind="wishes_open").count()


def test_closed_wishes_offer_no_mail_of_the_suggestions(client, login, pair):
    event, ida, leo, eva = pair
    login()
    page = unescape(client.get(f"/organiser/events/{event.slug}/wishes").get_data(as_text=True))
    assert f'href="{_invite(event)}"' not in page and "Email attendees their suggestions" not in page
    assert "Wishes are closed, so there is nothing to email now" in page
    assert ">Compute suggestions</button>" in page and "Compute suggestions again" not in page

    confirm = unescape(client.get(_invite(event)).get_data(as_text=True))
    assert "Wishes are closed, so nobody is mailed." in confirm
    assert "Email 0 people" not in confirm and "Email 3 people" not in confirm
    assert f'action="{_invite(event)}"' not in confirm

    after = client.post(_invite(event), follow_redirects=True).get_data(as_text=True)
    assert "Wishes are closed, so nobody was mailed. Open wishes first." in unescape(after)
    assert _mails() == 0

    # Closed by the closing time: the same.
    event.wishes_open = True
    event.wishes_close_at = wishes.local_now(event) - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/organiser/events/{event.slug}/wishes").get_data(as_text=True)
    assert f'href="{_invite(event)}"' not in page
    client.post(_invite(event))
    assert _mails() == 0
    assert "Önskemålen är stängda, så ingen mejlas." in unescape(
        client.get(_invite(event) + "?lang=sv").get_data(as_text=True))


def test_open_wishes_mail_once_the_suggestions_are_computed(client, login, pair):
    event, ida, leo, eva = pair
    event.wishes_open = True
    db.session.commit()
    login()
    confirm = unescape(client.get(_invite(event)).get_data(as_text=True))
    assert "still being computed" in confirm and "Nobody is mailed now." in confirm
    assert "Email 3 people" not in confirm and f'action="{_invite(event)}"' not in confirm

    _computed(event)
    page = unescape(client.get(f"/organiser/events/{event.slug}/wishes").get_data(as_text=True))
    assert f'href="{_invite(event)}"' in page and "Email attendees their suggestions" in page
    assert "Compute suggestions again" in page and "nothing to email now" not in page
    confirm = unescape(client.get(_invite(event)).get_data(as_text=True))
    assert "Email 3 people" in confirm and f'action="{_invite(event)}"' in confirm
    client.post(_invite(event))
    assert _mails() == 3


def test_the_worker_computes_suggestions_only_while_wishes_are_open(pair):
    event, ida, leo, eva = pair
    assert wishes.stale_events() == []  # not opened
    event.wishes_open = True
    event.wishes_close_at = wishes.local_now(event) + timedelta(minutes=5)
    db.session.commit()
    assert wishes.stale_events() == [event.id]
    # Past the closing time (in the event's zone) nobody can act on suggestions any more: the
    # attendee's page says they are no longer updated, and the worker leaves them be.
    event.wishes_close_at = wishes.local_now(event) - timedelta(minutes=1)
    db.session.commit()
    assert wishes.stale_events() == []
