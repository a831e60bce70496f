"""The private manage link: view, edit, withdraw, re-send (issue 2, "Attendee")."""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa

from meetmatch.extensions import db
from meetmatch.models import Attendee, ManageToken
from meetmatch.registration import attendee_for_token
from meetmatch.security import TOKEN_BYTES, hash_token

LINK = re.compile(r"http://localhost(/e/[^/\s]+/manage/[A-Za-z0-9_-]+)")


def only_attendee() -> Attendee:
    db.session.expire_all()
    return db.session.execute(db.select(Attendee)).scalar_one()


def only_attendee_named(name: str) -> Attendee:
    db.session.expire_all()
    return db.session.execute(db.select(Attendee).filter_by(name=name)).scalar_one()


def token_rows() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        db.select(ManageToken.attendee_id, ManageToken.token_hash, ManageToken.purpose,
                  ManageToken.revoked_at).order_by(ManageToken.id)).all()


def stored_values_outside_mails() -> list[str]:
    """Every value in every table, except the bodies of mails waiting in the outbox."""
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            values += [str(v) for k, v in row.items()
                       if not (table.name == "outbox_message" and k in ("body_text", "body_html"))]
    return values


def mailed_links(outbox, email: str) -> list[str]:
    """The manage link paths in every mail to ``email``, oldest first."""
    return [LINK.search(m.body_text).group(1) for m in outbox(to_addr=email)]


def test_token_has_enough_randomness_and_only_its_hash_is_stored(client, make_event, register,
                                                                  manage_path, outbox):
    event = make_event()
    register(event)
    token = manage_path("alice@example.com").rsplit("/", 1)[1]
    assert TOKEN_BYTES * 8 >= 128
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    alice = only_attendee()
    assert token_rows() == [(alice.id, hash_token(token), "registration_confirmation", None)]
    # The token is nowhere in the database except inside the (to-be-sent) mail body.
    assert not [value for value in stored_values_outside_mails() if token in value]
    assert attendee_for_token(event, token) == alice
    assert attendee_for_token(event, token[:-1]) is None
    assert attendee_for_token(event, "") is None
    assert attendee_for_token(event, "x" * 500) is None


def test_manage_page_shows_registration_prefilled(client, make_event, register, manage_path):
    event = make_event()
    topics = event.topics
    register(event, offers=[topics[2].id], needs=[topics[3].id], rounds=[1, 2], max_meetings="2")
    response = client.get(manage_path("alice@example.com"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Alice Park" in page and "alice@example.com" in page
    checked = re.findall(r'<input checked[^>]*name="(\w+)"[^>]*value="(\d+)"', page)
    assert sorted(checked) == sorted([("offers", str(topics[2].id)), ("needs", str(topics[3].id)),
                                      ("rounds", "1"), ("rounds", "2")])
    assert 'value="2"' in page
    assert "I can review your onboarding</textarea>" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the token never leaks onwards
    assert '<meta name="robots" content="noindex">' in page


def test_get_never_changes_anything(client, make_event, register, manage_path):
    """Mail scanners open links: GET on every manage URL must leave the registration alone."""
    event = make_event()
    register(event)
    path = manage_path("alice@example.com")
    before = only_attendee()
    snapshot = (before.status, before.name, before.updated_at, token_rows())
    for suffix in ("", "/withdraw", "/reactivate"):
        response = client.get(path + suffix)
        assert response.status_code in (200, 405)
    after = only_attendee()
    assert (after.status, after.name, after.updated_at, token_rows()) == snapshot


def test_edit_registration(client, make_event, register, registration_data, manage_path):
    event = make_event()
    topics = event.topics
    register(event)
    path = manage_path("alice@example.com")
    data = registration_data(event, name="Alice P. Park", organisation="Pixelry AB", title="CTO",
                             offers=[topics[3].id], needs=[topics[1].id, topics[2].id], rounds=[4],
                             max_meetings="1", offers_text="", needs_text="an angel")
    data.pop("email")
    data.pop("consent")
    response = client.post(path, data=data)
    assert response.status_code == 302 and response.headers["Location"] == path
    assert "Your changes are saved." in client.get(path).get_data(as_text=True)
    alice = only_attendee()
    assert (alice.name, alice.organisation, alice.title) == ("Alice P. Park", "Pixelry AB", "CTO")
    assert [t.id for t in alice.offers] == [topics[3].id]
    assert [t.id for t in alice.needs] == [topics[1].id, topics[2].id]
    assert alice.rounds_list == [4] and alice.max_meetings == 1
    assert alice.offers_text == "" and alice.needs_text == "an angel"
    assert alice.email == "alice@example.com"


def test_edit_cannot_change_email(client, make_event, register, registration_data, manage_path):
    event = make_event()
    register(event)
    data = registration_data(event, email="mallory@example.com")
    client.post(manage_path("alice@example.com"), data=data)
    assert only_attendee().email == "alice@example.com"


def test_bad_edit_shows_errors_and_keeps_input(client, make_event, register, registration_data,
                                               manage_path):
    event = make_event()
    register(event)
    path = manage_path("alice@example.com")
    data = registration_data(event, name="", organisation="New Org")
    response = client.post(path, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please enter your name." in page and 'value="New Org"' in page
    assert only_attendee().organisation == "Pixelry"


def test_withdraw_and_register_again(client, make_event, register, manage_path):
    event = make_event()
    register(event)
    path = manage_path("alice@example.com")
    response = client.post(path + "/withdraw")
    assert response.status_code == 302
    assert only_attendee().status == "withdrawn"
    page = client.get(path).get_data(as_text=True)
    assert "Your registration is withdrawn" in page
    assert "Register again" in page
    client.post(path + "/reactivate")
    assert only_attendee().status == "registered"


def test_wrong_or_foreign_token_is_404(client, make_event, register, manage_path):
    one, two = make_event(), make_event()
    register(one)
    register(two, email="bob@example.com", name="Bob")
    alice_path = manage_path("alice@example.com")
    token = alice_path.rsplit("/", 1)[1]
    # Alice's token does not open anything at another event, nor does a guessed one.
    assert client.get(f"/e/{two.slug}/manage/{token}").status_code == 404
    guess = secrets.token_urlsafe(32)
    for path in (f"/e/{one.slug}/manage/{guess}", f"/e/{one.slug}/manage/{token[:-2]}"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"name": "Mallory"}).status_code == 404
        assert client.post(path + "/withdraw").status_code == 404
    assert client.post(f"/e/{two.slug}/manage/{token}/withdraw").status_code == 404
    db.session.expire_all()
    statuses = db.session.execute(db.select(Attendee.name, Attendee.status)).all()
    assert sorted(statuses) == [("Alice Park", "registered"), ("Bob", "registered")]


def test_resend_link_same_answer_either_way(client, make_event, register, outbox, manage_path):
    event = make_event()
    register(event)
    old_path = manage_path("alice@example.com")
    page = client.get(f"/e/{event.slug}/link").get_data(as_text=True)
    assert '<label for="email"' in page

    known = client.post(f"/e/{event.slug}/link", data={"email": "ALICE@example.com "},
                        follow_redirects=True)
    unknown = client.post(f"/e/{event.slug}/link", data={"email": "nobody@example.com"},
                          follow_redirects=True)
    assert known.status_code == unknown.status_code == 200

    def flash(response):
        return re.search(r'class="flash info"[^>]*>([^<]*)<', response.get_data(as_text=True)).group(1)

    assert flash(known) == flash(unknown)
    assert "If you are registered" in flash(known)
    assert [m.to_addr for m in outbox()] == ["alice@example.com", "alice@example.com"]
    assert outbox()[-1].kind == "manage_link"
    new_path = manage_path("alice@example.com")
    assert client.get(new_path).status_code == 200
    # Whoever knows the address cannot cut its owner off: the earlier link keeps working.
    assert client.get(old_path).status_code == 200


def test_links_in_earlier_mails_keep_working(app, client, make_event, make_attendee, register, outbox):
    """The confirmation link still opens the page after the schedule and an update were mailed."""
    from meetmatch.schedules import adjust, engine_io, versions
    from meetmatch.schedules import mail as schedule_mail

    event = make_event(rounds=3)
    register(event)
    for name, offers, needs in [("Ben", ("Seed funding",), ("UX design",)),
                                ("Chloe", ("Seed funding",), ("Mentoring",)),
                                ("Dev", ("Mentoring", "Seed funding"), ("UX design",))]:
        make_attendee(event, name=name, organisation=name, offers=offers, needs=needs)
    alice = only_attendee_named("Alice Park")
    v1 = engine_io.build_schedule(event, time_limit=2.0)
    versions.publish_version(v1)
    with app.test_request_context(method="POST"):
        assert schedule_mail.send_schedules(v1) == 4
    v2 = versions.copy_to_draft(v1)
    adjust.cancel_meeting(v2, versions.meetings_for(v2, alice.id)[0])
    versions.publish_version(v2)
    with app.test_request_context(method="POST"):
        assert schedule_mail.send_updates(v2) == 2

    assert [m.kind for m in outbox(to_addr=alice.email)] == [
        "registration_confirmation", "schedule", "schedule_update"]
    links = mailed_links(outbox, alice.email)
    assert len(set(links)) == 3
    for path in links:
        response = client.get(path)
        assert response.status_code == 200
        assert "Alice Park" in response.get_data(as_text=True)
    assert [row.purpose for row in token_rows() if row.attendee_id == alice.id] == [
        "registration_confirmation", "schedule", "schedule_update"]
    # Only hashes are stored: no token from any mail is in the database outside the mails.
    tokens = [path.rsplit("/", 1)[1] for m in outbox() for path in LINK.findall(m.body_text)]
    assert len(tokens) == 1 + 4 + 2  # a confirmation (only Alice registered), schedules, updates
    values = stored_values_outside_mails()
    assert not [t for t in tokens if any(t in value for value in values)]


def test_send_my_link_again_keeps_earlier_links_and_revoke_all_ends_them(
        app, client, make_event, make_attendee, register, outbox):
    """A new link never kills the old ones (anyone can ask for one); the owner's "Revoke all my
    links" on the manage page does, and mails a single new one."""
    from meetmatch.registration import issue_manage_link

    event = make_event()
    register(event)
    bob = make_attendee(event, name="Bob")
    with app.test_request_context(method="POST"):  # as when the schedules are mailed
        schedule_link = issue_manage_link(only_attendee_named("Alice Park"), "schedule")
        bobs_link = issue_manage_link(bob, "schedule")
    db.session.commit()
    old = [mailed_links(outbox, "alice@example.com")[0], schedule_link.removeprefix("http://localhost")]
    assert all(client.get(path).status_code == 200 for path in old)

    client.post(f"/e/{event.slug}/link", data={"email": "alice@example.com"})
    new = mailed_links(outbox, "alice@example.com")[-1]
    assert new not in old
    assert all(client.get(path).status_code == 200 for path in [*old, new])
    register(event)  # registering again also mails a link and ends none
    again = mailed_links(outbox, "alice@example.com")[-1]
    assert all(client.get(path).status_code == 200 for path in [*old, new, again])

    assert client.post(new + "/revoke-links").status_code == 302
    newest = mailed_links(outbox, "alice@example.com")[-1]
    assert client.get(newest).status_code == 200
    for path in [*old, new, again]:
        assert client.get(path).status_code == 404
        assert client.post(path + "/withdraw").status_code == 404
    alice_rows = [row for row in token_rows() if row.attendee_id != bob.id]
    assert [(row.purpose, row.revoked_at is None) for row in alice_rows] == [
        ("registration_confirmation", False), ("schedule", False), ("manage_link", False),
        ("manage_link", False), ("manage_link", True)]
    # Another attendee's links are left alone.
    assert client.get(bobs_link.removeprefix("http://localhost")).status_code == 200
    assert only_attendee_named("Alice Park").status == "registered"


def test_resend_link_validates_email(client, make_event):
    event = make_event()
    response = client.post(f"/e/{event.slug}/link", data={"email": "nonsense"})
    assert response.status_code == 400
    assert "Please enter a valid email address." in response.get_data(as_text=True)


def test_withdrawn_attendee_can_still_get_a_link(client, make_event, register, outbox, manage_path):
    event = make_event(registration_open=False)
    event.registration_open = True
    db.session.commit()
    register(event)
    client.post(manage_path("alice@example.com") + "/withdraw")
    event.registration_open = False
    db.session.commit()
    client.post(f"/e/{event.slug}/link", data={"email": "alice@example.com"})
    assert outbox(to_addr="alice@example.com")[-1].kind == "manage_link"
    page = client.get(manage_path("alice@example.com"))
    assert page.status_code == 200
    assert "Your registration is withdrawn" in page.get_data(as_text=True)  # and can be undone


def test_manage_form_still_saves_after_the_organiser_drops_a_round(client, make_event, register,
                                                                   registration_data, manage_path):
    from datetime import date, time

    from meetmatch.events import generate_rounds, update_event

    event = make_event(rounds=4)
    register(event, rounds=[2, 4])
    path = manage_path("alice@example.com")
    update_event(event, {"slug": event.slug}, generate_rounds(date(2026, 12, 10), time(13), 15, 5, 3))
    page = client.get(path).get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]*name="rounds"[^>]*value="(\d+)"', page)
    assert checked == ["2"]
    assert len(event.topics) == 4  # settings without a topic list leave the topics alone
    assert client.get(path + "/reactivate").status_code == 405


def test_get_on_post_only_address_is_a_friendly_405(client, make_event, register, manage_path):
    event = make_event()
    register(event)
    response = client.get(manage_path("alice@example.com") + "/reactivate")  # /withdraw asks first
    assert response.status_code == 405
    assert "Not possible here" in response.get_data(as_text=True)


def test_a_replaced_link_explains_itself_and_offers_a_new_one(client, make_event, register, outbox):
    """Not a bare 404: the old link's page says a newer link was sent and offers "send my link
    again", which answers every address alike."""
    event = make_event()
    register(event)
    old = mailed_links(outbox, "alice@example.com")[0]
    assert client.post(old + "/revoke-links").status_code == 302
    page = client.get(old)
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "This link has been replaced by a newer one" in html and "noindex" in html
    assert f'action="/e/{event.slug}/link"' in html and 'name="email"' in html
    assert "Alice" not in html and "alice@example.com" not in html  # nothing about the owner
    never = client.get(f"/e/{event.slug}/manage/" + "x" * 43).get_data(as_text=True)
    assert "This link does not work" in never and "replaced" not in never
    # "send my link again" from that page: the same answer for a known and an unknown address
    answers = [client.post(f"/e/{event.slug}/link", data={"email": email}, follow_redirects=True)
               .get_data(as_text=True) for email in ("alice@example.com", "nobody@example.com")]
    assert answers[0] == answers[1]
    assert len(mailed_links(outbox, "alice@example.com")) == 3  # confirmation, revoke, resend
    assert not outbox(to_addr="nobody@example.com")
