"""The registrations list's actions on ticked people: export (at once), withdraw and send links
again (each after a confirmation page that says what will happen), and the undo."""

from __future__ import annotations

import csv
import io

from meetmatch.extensions import db
from meetmatch.models import Attendee


def _people(event, make_attendee, n=4):
    return [make_attendee(event, name=f"Person {i}", email=f"p{i}@example.com") for i in range(n)]


def _url(event, action=""):
    return f"/organiser/events/{event.slug}/attendees/selected" + (f"/{action}" if action else "")


def test_the_list_offers_the_actions(client, login, make_event, make_attendee):
    event = make_event()
    people = _people(event, make_attendee)
    login()
    html = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert f'action="{_url(event)}"' in html
    for a in people:
        assert f'name="ids" value="{a.id}"' in html and f'aria-label="Select {a.name}"' in html
    for action in ("resend", "export", "withdraw", "reactivate"):
        assert f'name="action" value="{action}"' in html


def test_export_selected_only(client, login, make_event, make_attendee):
    event = make_event()
    people = _people(event, make_attendee)
    login()
    response = client.post(_url(event), data={"action": "export", "ids": [people[1].id, people[3].id]})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8").removeprefix("\ufeff"))))
    assert [r["email"] for r in rows] == ["p1@example.com", "p3@example.com"]


def test_withdraw_asks_first_then_withdraws_and_can_be_undone(client, login, make_event, make_attendee, outbox):
    event = make_event()
    people = _people(event, make_attendee)
    other_event = make_event()
    stranger = make_attendee(other_event, name="Not yours", email="x@example.com")
    login()
    chosen = [people[0].id, people[2].id, stranger.id, "junk"]
    page = client.post(_url(event), data={"action": "withdraw", "ids": chosen})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Withdraw 2 registrations?" in html
    assert "Person 0" in html and "Person 2" in html and "Not yours" not in html
    assert f'action="{_url(event, "withdraw")}"' in html and f'value="{people[0].id},{people[2].id}"' in html
    db.session.expire_all()
    assert all(a.status == "registered" for a in db.session.scalars(db.select(Attendee)))  # nothing yet
    done = client.post(_url(event, "withdraw"), data={"ids": f"{people[0].id},{people[2].id},{stranger.id}"})
    assert done.status_code == 302
    db.session.expire_all()
    status = {a.name: a.status for a in db.session.scalars(db.select(Attendee))}
    assert status == {"Person 0": "withdrawn", "Person 1": "registered", "Person 2": "withdrawn",
                      "Person 3": "registered", "Not yours": "registered"}
    assert "2 registrations withdrawn" in client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert not outbox()  # nobody is mailed about it
    client.post(_url(event, "reactivate"), data={"ids": [people[0].id]})
    db.session.expire_all()
    assert db.session.get(Attendee, people[0].id).status == "registered"


def test_resend_links_to_the_active_ones(client, login, make_event, make_attendee, outbox):
    event = make_event()
    people = _people(event, make_attendee)
    people[1].status = "withdrawn"
    db.session.commit()
    login()
    page = client.post(_url(event), data={"action": "resend", "ids": [a.id for a in people[:3]]})
    assert "Send 3 people their private links again?" in page.get_data(as_text=True)
    assert not outbox()
    client.post(_url(event, "resend"), data={"ids": ",".join(str(a.id) for a in people[:3])})
    mailed = sorted(m.to_addr for m in outbox(kind="manage_link"))
    assert mailed == ["p0@example.com", "p2@example.com"]
    assert all(f"/e/{event.slug}/manage/" in m.body_text for m in outbox(kind="manage_link"))


def test_nothing_ticked_and_other_organisers(client, login, make_event, make_attendee, make_organiser):
    event = make_event()
    people = _people(event, make_attendee, 1)
    assert client.post(_url(event), data={"action": "export", "ids": [people[0].id]}).status_code == 302  # login
    login()
    response = client.post(_url(event), data={"action": "withdraw"}, follow_redirects=True)
    assert "Tick at least one person" in response.get_data(as_text=True)
    assert client.post(_url(event), data={"action": "explode", "ids": [people[0].id]}).status_code == 400
    make_organiser(email="other@example.com")
    client.post("/organiser/logout")
    login(email="other@example.com")
    assert client.post(_url(event, "withdraw"), data={"ids": [people[0].id]}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Attendee, people[0].id).status == "registered"
