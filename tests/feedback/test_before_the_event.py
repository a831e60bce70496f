"""Before any meeting has taken place (the first round has not ended by the clock, in the
event's time zone), the outcomes page neither offers nor sends feedback requests, and its
figures are labelled as the plan, not as an outcome."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from meetmatch import feedback
from meetmatch.extensions import db
from meetmatch.models import OutboxMessage
from meetmatch.outcomes import outcome_report

from .conftest import move_rounds, now_at


def _outcomes(client, event, lang="en") -> str:
    return unescape(client.get(f"/organiser/events/{event.slug}/outcomes?lang={lang}").get_data(as_text=True))


def _request_url(event) -> str:
    return f"/organiser/events/{event.slug}/outcomes/request"


def test_nothing_offered_or_sent_before_the_first_round_ends(client, login, seeded):
    event, who, rows = seeded()
    move_rounds(event, first_end=now_at(event) + timedelta(days=14))  # the demo: two weeks ahead
    login()
    page = _outcomes(client, event)
    assert f'href="{_request_url(event)}"' not in page
    assert "Email 6 people a feedback request" not in page
    assert "No meeting has taken place yet: the first round ends" in page
    assert "you can ask the 6 people who had meetings" in page

    confirm = unescape(client.get(_request_url(event)).get_data(as_text=True))
    assert "The event has not happened yet: the first round ends" in confirm
    assert "nobody is mailed now" in confirm
    assert "Email 6 people" not in confirm and f'action="{_request_url(event)}"' not in confirm
    assert "Ada Test" not in confirm  # no list of people who would get mail

    response = client.post(_request_url(event))
    assert response.status_code == 303
    after = _outcomes(client, event)
    assert "No meeting has taken place yet, so nobody was asked for feedback." in after
    assert db.session.query(OutboxMessage).count() == 0
    db.session.refresh(event)
    assert event.feedback_requested_at is None


def test_the_report_calls_its_figures_the_plan_before_the_event(client, login, seeded):
    event, who, rows = seeded()
    move_rounds(event, first_end=now_at(event) + timedelta(days=14))
    login()
    assert outcome_report(event).taken_place is False
    page = _outcomes(client, event)
    assert "these figures are the plan" in page
    assert "planned: 2.3 per attendee" in page  # 7 meetings, 6 people: 14 / 6
    assert "✓ the plan meets the target" in page
    assert "meets the target</span>" not in page.replace("the plan meets the target</span>", "")
    assert "Meetings per attendee (scheduled; everyone who took part)" not in page
    swedish = _outcomes(client, event, "sv")
    assert "planerat: 2,3 per deltagare" in swedish and "Inget möte har hållits än" in swedish


def test_after_the_first_round_the_request_and_the_report_are_as_before(client, login, seeded):
    event, who, rows = seeded()
    move_rounds(event, first_end=now_at(event) - timedelta(minutes=5))  # rounds 2 and 3 to come
    login()
    assert outcome_report(event).taken_place is True
    page = _outcomes(client, event)
    assert f'href="{_request_url(event)}"' in page and "Email 6 people a feedback request" in page
    assert "planned:" not in page and "these figures are the plan" not in page
    assert "Meetings per attendee (scheduled; everyone who took part)" in page
    assert "✓ meets the target" in page
    confirm = unescape(client.get(_request_url(event)).get_data(as_text=True))
    assert "Email 6 people" in confirm and "Ada Test" in confirm
    client.post(_request_url(event))
    assert db.session.query(OutboxMessage).filter_by(kind="feedback_request").count() == 6


def test_the_first_round_ends_by_the_event_clock_not_utc(seeded):
    # Auckland is 13 hours ahead of UTC in December: its round that ended ten minutes ago
    # (local) would still lie in the future if compared with UTC wall-clock time.
    ahead, _who, _rows = seeded(timezone="Pacific/Auckland")
    move_rounds(ahead, first_end=now_at(ahead) - timedelta(minutes=10))
    assert feedback.meetings_have_taken_place(ahead)
    # Los Angeles is 8 hours behind: a round ending in ten minutes (local) would look over.
    behind, _who, _rows = seeded(timezone="America/Los_Angeles")
    move_rounds(behind, first_end=now_at(behind) + timedelta(minutes=10))
    assert not feedback.meetings_have_taken_place(behind)
    assert feedback.meetings_have_taken_place(behind, now_local=now_at(behind) + timedelta(minutes=10))


def test_swedish_confirm_page_before_the_event(client, login, seeded):
    event, who, rows = seeded()
    move_rounds(event, first_end=now_at(event) + timedelta(days=1))
    login()
    confirm = unescape(client.get(_request_url(event) + "?lang=sv").get_data(as_text=True))
    assert "Evenemanget har inte ägt rum än" in confirm and "Mejla" not in confirm
