"""The demo event: realistic, valid data that registration and matching can use."""

from __future__ import annotations

from collections import Counter

from meetmatch.demo import DEMO_SLUG, seed_demo_event
from meetmatch.extensions import db
from meetmatch.models import Attendee


def test_demo_event_is_realistic_and_valid(app, client):
    event, created = seed_demo_event()
    assert created and event.slug == DEMO_SLUG and event.registration_open
    assert len(event.rounds) >= 4 and len(event.topics) >= 10
    people = event.attendees
    assert 35 <= len(people) <= 45
    emails = [p.email for p in people]
    assert len(set(emails)) == len(emails)
    assert all(p.offers or p.offers_text for p in people) and all(p.needs or p.needs_text for p in people)
    assert all(p.organisation and p.title for p in people)
    # Some share an organisation (so "block same organisation" matters); some have limits.
    assert max(Counter(p.organisation for p in people).values()) >= 2
    assert any(p.rounds_list for p in people) and any(p.max_meetings for p in people)
    # Every need is offered by someone: the demo shows mutual matches, not dead ends.
    offered = {t.name for p in people for t in p.offers}
    assert {t.name for p in people for t in p.needs} <= offered
    assert seed_demo_event() == (event, False)
    assert db.session.execute(db.select(db.func.count(Attendee.id))).scalar() == len(people)


def test_demo_event_page_and_form(app, client):
    seed_demo_event()
    page = client.get(f"/e/{DEMO_SLUG}").get_data(as_text=True)
    assert "Startup &amp; Investor Afternoon" in page and "Register" in page
    form = client.get(f"/e/{DEMO_SLUG}/register").get_data(as_text=True)
    assert "Seed funding" in form and "Round 5" in form
