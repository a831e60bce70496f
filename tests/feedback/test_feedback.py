"""Feedback: the attendee's page, the request mail, and the rules of who may answer what."""

from __future__ import annotations

import re
from datetime import timedelta

from meetmatch import feedback, mail
from meetmatch.extensions import db
from meetmatch.models import Attendee, MeetingFeedback, OutboxMessage, utcnow

from .conftest import answer, move_rounds, now_at, token_of


def _rows():
    return db.session.execute(db.select(MeetingFeedback).order_by(MeetingFeedback.id)).scalars().all()


def test_page_lists_own_meetings_and_get_changes_nothing(client, seeded):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    token = token_of(who["Ada"])
    page = client.get(f"/e/{event.slug}/manage/{token}/feedback")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for partner in ("Ben Test", "Chloe Test", "Dev Test"):
        assert partner in text
    assert "Eva Test" not in text  # not one of Ada's meetings
    assert _rows() == []


def test_save_then_change_answers(client, seeded):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    token = token_of(who["Ada"])
    m = rows[("Ada", "Ben")].id
    response = answer(client, event, token, {f"happened-{m}": "yes", f"gained-{m}": "2", f"gave-{m}": "1",
                                             f"follow_up-{m}": "yes", f"note-{m}": "Great intro"})
    assert response.status_code == 303
    [row] = _rows()
    assert (row.happened, row.gained, row.gave, row.follow_up, row.note) == ("yes", 2, 1, True, "Great intro")
    assert row.partner_id == who["Ben"].id
    answer(client, event, token, {f"happened-{m}": "no_show", f"gained-{m}": "2"})
    [row] = _rows()
    assert (row.happened, row.gained, row.follow_up) == ("no_show", None, False)  # nothing gained from a no-show


def test_other_meetings_are_404_and_nothing_is_stored(client, seeded):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    token = token_of(who["Ada"])
    mine, theirs = rows[("Ada", "Ben")].id, rows[("Eva", "Femi")].id
    response = answer(client, event, token, {f"happened-{mine}": "yes", f"happened-{theirs}": "yes"})
    assert response.status_code == 404
    assert answer(client, event, token, {"happened-999999": "yes"}).status_code == 404
    assert answer(client, event, "not-a-token", {f"happened-{mine}": "yes"}).status_code == 404
    assert _rows() == []


def test_note_is_private_to_the_organiser(client, seeded, login):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    m = rows[("Ada", "Ben")].id
    answer(client, event, token_of(who["Ada"]), {f"happened-{m}": "yes", f"gained-{m}": "1",
                                                 f"note-{m}": "Ben was late and rude"})
    bens_page = client.get(f"/e/{event.slug}/manage/{token_of(who['Ben'])}/feedback").get_data(as_text=True)
    assert "late and rude" not in bens_page
    login()
    assert "late and rude" in client.get(f"/organiser/events/{event.slug}/outcomes.csv").get_data(as_text=True)


def test_invalid_answer_is_shown_again(client, seeded):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    m = rows[("Ada", "Ben")].id
    response = answer(client, event, token_of(who["Ada"]), {f"gained-{m}": "2", f"note-{m}": "x"})
    assert response.status_code == 400
    assert "Say whether the meeting happened." in response.get_data(as_text=True)
    assert _rows() == []


def test_all_useful_fills_only_unanswered(client, seeded):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    token = token_of(who["Ada"])
    m = rows[("Ada", "Ben")].id
    answer(client, event, token, {f"happened-{m}": "cancelled"})
    response = client.post(f"/e/{event.slug}/manage/{token}/feedback/all-useful")
    assert response.status_code == 303
    got = {r.meeting_id: (r.happened, r.gained) for r in _rows()}
    assert got == {m: ("cancelled", None), rows[("Ada", "Chloe")].id: ("yes", 2),
                   rows[("Ada", "Dev")].id: ("yes", 2)}
    assert client.get(f"/e/{event.slug}/manage/{token}/feedback/all-useful").status_code == 405


def test_closed_after_fourteen_days_and_not_open_before_the_event(client, seeded):
    event, who, rows = seeded()
    move_rounds(event, first_end=now_at(event) + timedelta(days=10))  # whatever today's date is
    token = token_of(who["Ada"])
    m = rows[("Ada", "Ben")].id
    assert feedback.feedback_state(event) == "not_yet"  # the event is in the future
    assert answer(client, event, token, {f"happened-{m}": "yes"}).status_code == 403
    feedback.request_feedback(event)
    event.feedback_requested_at = utcnow() - timedelta(days=feedback.FEEDBACK_DAYS, minutes=1)
    db.session.commit()
    assert feedback.feedback_state(event) == "closed"
    assert answer(client, event, token, {f"happened-{m}": "yes"}).status_code == 403
    assert "closed" in client.get(f"/e/{event.slug}/manage/{token}/feedback").get_data(as_text=True)
    assert _rows() == []


def test_request_mail_over_smtp_with_a_working_link(app, client, seeded, smtp, login):
    event, who, rows = seeded(held=True)
    who["Femi"].status = "no_show"  # did not come: not asked
    db.session.commit()
    login()
    response = client.post(f"/organiser/events/{event.slug}/outcomes/request")
    assert response.status_code == 303
    assert client.post(f"/organiser/events/{event.slug}/outcomes/request").status_code == 303  # idempotent
    assert mail.send_due_messages()["sent"] == 5
    assert {m["To"].addresses[0].addr_spec for m in smtp.received} == {
        "ada@example.com", "ben@example.com", "chloe@example.com", "dev@example.com", "eva@example.com"}
    [message] = smtp.to("ada@example.com")
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/e/\S+/feedback)", body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Ben Test" in page.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(OutboxMessage.id))).scalar() == 5


def test_worker_sends_automatically_after_the_set_hours(app, seeded):
    event, who, rows = seeded()
    event.feedback_after_hours = 2
    db.session.commit()
    end = feedback.event_end(event)
    assert feedback.send_due_feedback_requests(now=end + timedelta(hours=1)) == 0
    assert feedback.send_due_feedback_requests(now=end + timedelta(hours=2)) == 6
    assert feedback.send_due_feedback_requests(now=end + timedelta(hours=3)) == 0  # once
    assert db.session.get(type(event), event.id).feedback_requested_at is not None


def test_feedback_is_erased_with_the_attendee(app, client, seeded):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    m = rows[("Ada", "Ben")].id
    answer(client, event, token_of(who["Ada"]), {f"happened-{m}": "yes", f"gained-{m}": "1"})
    answer(client, event, token_of(who["Ben"]), {f"happened-{m}": "yes", f"gained-{m}": "2"})
    assert len(_rows()) == 2
    db.session.execute(db.delete(Attendee).where(Attendee.id == who["Ben"].id))
    db.session.commit()
    assert _rows() == []  # Ben's answers, and Ada's about Ben (the meeting went with him)


def test_private_page_links_to_feedback_and_offers_the_organiser_a_check_in(client, seeded, login):
    event, who, rows = seeded()
    move_rounds(event, first_end=now_at(event) + timedelta(days=10))  # whatever today's date is
    token = token_of(who["Ada"])
    page = client.get(f"/e/{event.slug}/manage/{token}").get_data(as_text=True)
    assert "Give feedback" not in page and "Check in Ada Test" not in page  # before the event, not logged in
    feedback.request_feedback(event)
    login()
    page = client.get(f"/e/{event.slug}/manage/{token}").get_data(as_text=True)
    assert f"/e/{event.slug}/manage/{token}/feedback" in page and "Check in Ada Test" in page
    client.post(f"/organiser/events/{event.slug}/checkin/{who['Ada'].id}/present")
    assert db.session.get(Attendee, who["Ada"].id).checked_in_at is not None


def test_a_note_with_invisible_characters_is_refused(client, seeded):
    event, who, rows = seeded()
    feedback.request_feedback(event)
    m = rows[("Ada", "Ben")].id
    response = answer(client, event, token_of(who["Ada"]), {f"happened-{m}": "yes", f"note-{m}": "hi\u202eevil"})
    assert response.status_code == 400 and _rows() == []
