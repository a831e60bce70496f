"""The organiser sees an event's undelivered mail (failed, stuck or retrying), registration
and link mails included, and sends one again (issue 9, defect 3)."""

from __future__ import annotations

from datetime import timedelta

from meetmatch import mail
from meetmatch.extensions import db
from meetmatch.models import OutboxMessage, utcnow


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    found = db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    db.session.commit()
    return found


def claim_and_abandon(message_id: int) -> None:
    """What a worker that dies right after its claim leaves behind, once its lease has passed."""
    assert mail._claim(message_id)
    db.session.get(OutboxMessage, message_id).lease_until = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_organiser_sees_failed_and_stuck_registration_mail_and_resends_it(
        app, client, make_organiser, make_event, register, login, smtp):
    organiser = make_organiser()
    event = make_event(organiser=organiser)
    register(event, name="Refused Person", email="refused@example.com")
    register(event, name="Stuck Person", email="stuck@example.com")
    register(event, name="Fine Person", email="fine@example.com")
    refused, stuck, fine = rows()
    smtp.replies = ["550 5.1.1 no such user"]
    assert mail.send_due_messages(limit=1)["failed"] == 1
    claim_and_abandon(stuck.id)
    login()
    page = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert "Undelivered email" in page and f"/organiser/events/{event.slug}/mail" in page
    page = client.get(f"/organiser/events/{event.slug}/mail").get_data(as_text=True)
    assert "refused@example.com" in page and "550 5.1.1 no such user" in page
    assert "stuck@example.com" in page and "badge failed\">stuck<" in page
    assert "fine@example.com" not in page and "Registration confirmation" in page
    # Resend mails a person: a link to a page that says what happens, whose button does it
    confirm_url = f"/organiser/events/{event.slug}/mail/resend?message_id={refused.id}"
    assert confirm_url in page.replace("&amp;", "&")
    confirm = client.get(confirm_url).get_data(as_text=True)
    assert "Send this email again?" in confirm and "refused@example.com" in confirm
    assert "Nobody else gets mail." in confirm
    assert f'name="message_id" value="{refused.id}"' in confirm
    assert rows()[0].status == "failed"  # looking at the page changed nothing
    response = client.post(f"/organiser/events/{event.slug}/mail/resend", data={"message_id": refused.id})
    assert response.status_code == 302
    refused_row = db.session.get(OutboxMessage, refused.id)
    db.session.refresh(refused_row)
    assert refused_row.status == "queued" and refused_row.last_error is None
    db.session.commit()
    assert mail.send_due_messages()["sent"] == 3  # the resent one, the stuck one, the fine one
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.received) == [
        "fine@example.com", "refused@example.com", "stuck@example.com"]
    assert "Undelivered email" not in client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)


def test_another_organisers_message_cannot_be_resent(app, client, make_organiser, make_event,
                                                     register, login):
    mine = make_event(organiser=make_organiser())
    theirs = make_event(organiser=make_organiser(email="other@example.com"))
    register(theirs)
    [row] = rows()
    before = (row.status, row.attempts, row.queued_at, row.next_attempt_at)
    login()
    for slug in (mine.slug, theirs.slug):
        response = client.post(f"/organiser/events/{slug}/mail/resend", data={"message_id": row.id})
        assert response.status_code == 404
    [after] = rows()  # nothing changed on their message
    assert (after.status, after.attempts, after.queued_at, after.next_attempt_at) == before
