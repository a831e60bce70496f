"""Organiser accounts, login, access rules and the registrations pages (issue 2, "Organiser")."""

from __future__ import annotations

import re

import pytest

from meetmatch.extensions import db
from meetmatch.models import Attendee, Organiser


def test_password_is_hashed(app, make_organiser):
    organiser = make_organiser(password="correct horse battery")
    assert "correct horse battery" not in organiser.password_hash
    assert organiser.check_password("correct horse battery")
    assert not organiser.check_password("wrong")


def test_login_and_logout(client, make_organiser, login):
    make_organiser()
    page = client.get("/organiser/login").get_data(as_text=True)
    assert '<label for="email"' in page and '<label for="password"' in page
    assert 'autocomplete="current-password"' in page
    response = login()
    assert response.status_code == 302 and response.headers["Location"] == "/organiser/"
    assert "My events" in client.get("/organiser/").get_data(as_text=True)
    response = client.post("/organiser/logout")
    assert response.headers["Location"] == "/organiser/login"
    assert client.get("/organiser/").status_code == 302


@pytest.mark.parametrize("email,password", [
    ("org@example.com", "wrong password"),
    ("nobody@example.com", "correct horse battery"),
])
def test_wrong_login_is_refused_with_one_message(client, make_organiser, login, email, password):
    make_organiser()
    response = login(email, password)
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/organiser/").status_code == 302


def test_login_redirects_back_but_never_off_site(client, make_organiser, make_event):
    event = make_event()
    response = client.get(f"/organiser/events/{event.slug}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organiser/login?next=")
    data = {"email": "org@example.com", "password": "correct horse battery"}
    response = client.post(f"/organiser/login?next=/organiser/events/{event.slug}", data=data)
    assert response.headers["Location"] == f"/organiser/events/{event.slug}"
    for evil in ("https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
                 "javascript:alert(1)", "/\tevil"):
        client.post("/organiser/logout")
        response = client.post("/organiser/login", query_string={"next": evil}, data=data)
        assert response.status_code == 302
        assert response.headers["Location"] == "/organiser/", evil


ORGANISER_PAGES = [
    ("get", "/organiser/"),
    ("get", "/organiser/events/new"),
    ("get", "/organiser/events/{slug}"),
    ("get", "/organiser/events/{slug}/edit"),
    ("post", "/organiser/events/{slug}/edit"),
    ("post", "/organiser/events/{slug}/registration"),
    ("get", "/organiser/events/{slug}/attendees/{attendee}"),
    ("post", "/organiser/events/{slug}/attendees/{attendee}"),
    ("post", "/organiser/events/{slug}/attendees/{attendee}/status"),
    ("get", "/organiser/events/{slug}/import"),
    ("post", "/organiser/events/{slug}/import"),
    ("get", "/organiser/events/{slug}/attendees.csv"),
]


def test_every_organiser_page_requires_login(client, make_event, make_attendee):
    event = make_event()
    person = make_attendee(event)
    for method, template in ORGANISER_PAGES:
        url = template.format(slug=event.slug, attendee=person.id)
        response = getattr(client, method)(url, data={"status": "withdrawn", "name": "Hacked"})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/organiser/login"), url
    db.session.expire_all()
    assert person.status == "registered" and person.name != "Hacked"
    assert event.registration_open


def test_organiser_sees_only_own_events(client, make_organiser, make_event, make_attendee, login):
    mine = make_event(organiser=make_organiser("me@example.com", "my password 1"), name="Mine")
    theirs = make_event(organiser=make_organiser("them@example.com", "their password"), name="Theirs")
    stranger = make_attendee(theirs, name="Their Guest")
    login("me@example.com", "my password 1")
    dashboard = client.get("/organiser/").get_data(as_text=True)
    assert "Mine" in dashboard and "Theirs" not in dashboard
    for method, template in ORGANISER_PAGES[2:]:
        url = template.format(slug=theirs.slug, attendee=stranger.id)
        response = getattr(client, method)(url, data={"status": "withdrawn", "name": "Hacked"})
        assert response.status_code == 404, url
    # An attendee of another organiser's event cannot be reached through one's own event either.
    for method, template in ORGANISER_PAGES[6:9]:
        url = template.format(slug=mine.slug, attendee=stranger.id)
        response = getattr(client, method)(url, data={"status": "withdrawn", "name": "Hacked"})
        assert response.status_code == 404, url
    db.session.expire_all()
    assert stranger.status == "registered" and stranger.name == "Their Guest"
    assert theirs.registration_open


def test_registrations_list_search_and_counts(client, make_event, make_attendee, login):
    event = make_event()
    make_attendee(event, name="Alice Park", organisation="Pixelry", offers=["UX design"],
                  needs=["Seed funding"])
    make_attendee(event, name="Bruno Lind", organisation="Northstar", offers=["UX design"],
                  needs=["Mentoring"], email="bruno@northstar.example")
    make_attendee(event, name="Cleo Gone", offers=["Recruiting"], needs=["Seed funding"],
                  status="withdrawn")
    login()
    page = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    cards = dict((label, int(num)) for num, label in
                 re.findall(r'<div class="num">(\d+)</div>(\w[\w-]*)', page))
    assert cards["registered"] == 2 and cards["withdrawn"] == 1
    # Needs nobody offers (withdrawn people do not count) and offers nobody needs.
    assert re.search(r"Needs nobody offers:</strong> Seed funding, Mentoring", page)
    assert re.search(r"Offers nobody needs:</strong> UX design\.", page)
    assert "Alice Park" in page and "Bruno Lind" in page and "Cleo Gone" in page
    assert f"http://localhost/e/{event.slug}" in page

    def names(query):
        html = client.get(f"/organiser/events/{event.slug}", query_string=query).get_data(as_text=True)
        return sorted(re.findall(r'/attendees/\d+">([^<]+)</a>', html))

    assert names({"q": "pixel"}) == ["Alice Park"]
    assert names({"q": "NORTHSTAR.example"}) == ["Bruno Lind"]
    assert names({"status": "withdrawn"}) == ["Cleo Gone"]
    assert names({"q": "zzz"}) == []
    assert names({"q": "nul\x00"}) == names({})  # refused with a message, not a database error
    assert names({"q": "x" * 101}) == names({})
    assert "Field cannot be longer than 100 characters." in client.get(
        f"/organiser/events/{event.slug}", query_string={"q": "x" * 101}).get_data(as_text=True)
    assert names({"q": "%"}) == names({})  # LIKE wildcards are just characters… or match all
    assert "No attendee matches this search." in client.get(
        f"/organiser/events/{event.slug}?q=zzz").get_data(as_text=True)


def test_view_edit_and_withdraw_an_attendee(client, make_event, make_attendee, login,
                                            registration_data):
    event = make_event()
    person = make_attendee(event, name="Alice Park", offers=["UX design"], needs=["Mentoring"])
    login()
    url = f"/organiser/events/{event.slug}/attendees/{person.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Alice Park" in page and person.email in page
    data = registration_data(event, name="Alice Q. Park", title="COO")
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert person.name == "Alice Q. Park" and person.title == "COO"
    assert "Saved Alice Q. Park." in client.get(url).get_data(as_text=True)
    client.post(url + "/status", data={"status": "withdrawn"})
    db.session.expire_all()
    assert person.status == "withdrawn"
    client.post(url + "/status", data={"status": "no_show"})
    db.session.expire_all()
    assert person.status == "no_show"
    client.post(url + "/status", data={"status": "admin"})
    db.session.expire_all()
    assert person.status == "no_show"
    client.post(url + "/status", data={"status": "registered"})
    db.session.expire_all()
    assert person.status == "registered"


def test_toggle_registration(client, make_event, login):
    event = make_event()
    login()
    client.post(f"/organiser/events/{event.slug}/registration")
    db.session.expire_all()
    assert not event.registration_open
    client.post(f"/organiser/events/{event.slug}/registration")
    db.session.expire_all()
    assert event.registration_open


def test_create_organiser_twice_updates_password(app, make_organiser):
    make_organiser(password="first password")
    make_organiser(password="second password")
    [organiser] = db.session.execute(db.select(Organiser)).scalars().all()
    assert organiser.check_password("second password")


def test_attendee_count_on_dashboard(client, make_event, make_attendee, login):
    event = make_event(name="Counted")
    make_attendee(event)
    make_attendee(event, status="withdrawn")
    login()
    page = client.get("/organiser/").get_data(as_text=True)
    row = re.search(r"Counted</a>.*?</tr>", page, re.S).group(0)
    assert "<td>1</td>" in row
    assert db.session.execute(db.select(db.func.count(Attendee.id))).scalar() == 2


def test_unknown_email_costs_a_password_check_too(app, make_organiser, monkeypatch):
    """Response time must not tell which emails have an organiser account."""
    import meetmatch.accounts as accounts

    make_organiser()
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(p) or real(h, p))
    assert accounts.authenticate_organiser("nobody@example.com", "guess") is None
    assert checked == ["guess"]
    assert accounts.authenticate_organiser(" ORG@example.com", "correct horse battery") is not None


def test_the_organisers_menu_marks_the_page_they_are_on(client, make_event, login):
    """The newcomer could not tell which tab was open: the current one is marked (and styled)."""
    import re

    event = make_event()
    login()
    for path, label in ((f"/organiser/events/{event.slug}/edit", "Settings"),
                        (f"/organiser/events/{event.slug}/schedule/", "Schedule"),
                        ("/organiser/", "My events")):
        page = client.get(path).get_data(as_text=True)
        nav = page.split('aria-label="Organiser"')[1].split("</nav>")[0]
        assert re.findall(r"aria-current=page>([^<]+)<", nav) == [label], (path, nav)
