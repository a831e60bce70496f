"""Fixtures for schedule tests: a small event (fast solves) and a published version of it."""

from __future__ import annotations

import pytest

PEOPLE = [
    # name, organisation, offers, needs
    ("Ada Lovelace", "Analytical", ("Seed funding",), ("UX design",)),
    ("Ben Okafor", "Pixelry", ("UX design",), ("Seed funding",)),
    ("Chloe Martin", "Northwind", ("Mentoring",), ("Recruiting",)),
    ("Dev Patel", "Hireful", ("Recruiting",), ("Mentoring",)),
    ("Eva Lind", "Fundr", ("Seed funding", "Mentoring"), ("UX design", "Recruiting")),
    ("Femi Adeyemi", "Designco", ("UX design", "Recruiting"), ("Seed funding",)),
    ("Greta Berg", "Talentia", ("Recruiting",), ("Seed funding", "UX design")),
    ("Hugo Silva", "Angels", ("Seed funding",), ("Mentoring", "Recruiting")),
    ("Ines Kaur", "Coachly", ("Mentoring",), ("UX design",)),
    ("Jon Weber", "Layout", ("UX design",), ("Mentoring",)),
]


@pytest.fixture
def app_config(app_config):
    return app_config | {"SOLVER_TIME_LIMIT": 2.0, "SOLVER_WORKERS": 2, "SOLVER_SEED": 0}


@pytest.fixture
def small_event(make_event, make_attendee):
    """Ten attendees with complementary offers and needs, four rounds of 15 minutes from 13:00."""

    def _make(people=PEOPLE, **overrides):
        event = make_event(**overrides)
        for name, org, offers, needs in people:
            first = name.split()[0].lower()
            make_attendee(event, name=name, organisation=org, offers=offers, needs=needs,
                          email=f"{first}@example.com")
        return event

    return _make


@pytest.fixture
def published(small_event):
    """A small event with a published version (built in-process with the real engine)."""
    from meetmatch.schedules import engine_io, versions

    def _make(**overrides):
        event = small_event(**overrides)
        version = engine_io.build_schedule(event, time_limit=2.0)
        versions.publish_version(version)
        return event, version

    return _make

