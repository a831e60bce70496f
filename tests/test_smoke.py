from meetmatch.models import Attendee, OutboxMessage


def test_register_stores_attendee_and_queues_confirmation(app, client, make_event):
    event = make_event()
    topic_ids = [t.id for t in event.topics]
    response = client.post(f"/e/{event.slug}/register", data={
        "name": "Alice <script>", "email": "Alice@Example.com", "organisation": "Pixelry",
        "offers": [topic_ids[1]], "needs": [topic_ids[0]], "rounds": [1, 2], "consent": "y",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    attendee = app.extensions["sqlalchemy"].session.query(Attendee).one()
    assert attendee.email == "alice@example.com"
    assert attendee.available_rounds == "1,2"
    mail = app.extensions["sqlalchemy"].session.query(OutboxMessage).one()
    assert "/manage/" in mail.body_text
    assert "&lt;script&gt;" in mail.body_html
