"""The schedule's mail page also lists registration and link mails that were not delivered."""

from __future__ import annotations

from meetmatch import registration
from meetmatch.extensions import db
from meetmatch.models import OutboxMessage


def test_failed_link_mail_is_listed_on_the_schedule_mail_page_with_resend(app, client, login, published):
    event, version = published()
    person = event.attendees[0]
    with app.test_request_context():
        registration.resend_manage_link(event, person.email)
    message = db.session.execute(db.select(OutboxMessage).filter_by(kind="manage_link")).scalar_one()
    message.status, message.attempts, message.last_error = "failed", 1, "550 5.1.1 no such user"
    db.session.commit()
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}/mail").get_data(as_text=True)
    assert "Registration and link emails not delivered" in page
    assert person.email in page and "550 5.1.1 no such user" in page and "Manage link" in page
    resend = f"/organiser/events/{event.slug}/mail/resend"
    assert f'href="{resend}?message_id={message.id}"' in page  # asks first: it mails a person
    confirm = client.get(f"{resend}?message_id={message.id}").get_data(as_text=True)
    assert person.email in confirm and f'name="message_id" value="{message.id}"' in confirm
    assert client.post(resend, data={"message_id": message.id}).status_code == 302
    db.session.refresh(message)
    assert message.status == "queued" and message.last_error is None
