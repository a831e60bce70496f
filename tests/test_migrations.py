"""Alembic: an empty database upgrades to head and back down, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from meetmatch.extensions import db


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_to_head_and_down_to_base(make_app):
    app = make_app(create_schema=False)
    with app.app_context():
        assert table_names() == set()
        upgrade()
        expected = set(db.metadata.tables)
        assert expected <= table_names()
        assert {"organiser", "event", "attendee", "topic", "round", "outbox_message"} <= expected
        # The migrated schema is the models' schema: nothing left for autogenerate to add.
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], diff
        # And it works: the app can register someone on the migrated schema.
        db.session.remove()
        downgrade(revision="base")
        assert table_names() <= {"alembic_version"}
        upgrade()
        assert expected <= table_names()
        db.session.remove()


def test_registration_works_on_migrated_schema(make_app, registration_data):
    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        from datetime import date, time

        from meetmatch.accounts import set_organiser_password
        from meetmatch.events import create_event, generate_rounds
        from meetmatch.models import Attendee

        organiser, _ = set_organiser_password("org@example.com", "correct horse battery")
        event = create_event(organiser, {"name": "E", "slug": "e", "topic_names": ["A", "B"]},
                             generate_rounds(date(2026, 12, 1), time(9), 15, 5, 2))
        response = app.test_client().post("/e/e/register", data=registration_data(event))
        assert response.status_code == 302
        assert db.session.execute(db.select(Attendee.email)).scalar_one() == "alice@example.com"
        db.session.remove()
