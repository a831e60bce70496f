"""Alembic: an empty database upgrades to head and back down, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
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


BEFORE_MANAGE_TOKENS = "ad4f4b97b464"  # one manage_token_hash column on attendee


def test_links_mailed_before_the_manage_token_table_keep_working(make_app):
    """The upgrade copies each stored hash into manage_token (so mailed links still open the
    page) without losing rows that refer to the rebuilt attendee table; the downgrade puts the
    newest unrevoked hash back."""
    from datetime import datetime

    from meetmatch.models import Event, ManageToken
    from meetmatch.registration import attendee_for_token, issue_manage_link, revoke_manage_links
    from meetmatch.security import hash_token, new_token

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade(revision=BEFORE_MANAGE_TOKENS)
        old = sa.MetaData()
        old.reflect(db.engine)
        t = old.tables
        now = datetime(2026, 11, 1, 12, 0)
        token, token_hash = new_token()
        person = {"organisation": "", "title": "", "offers_text": "", "needs_text": "", "walk_in": False,
                  "status": "registered", "created_at": now, "updated_at": now}
        with db.engine.begin() as conn:
            _organiser_and_event(conn, t, now)
            conn.execute(t["topic"].insert(), {"id": 1, "event_id": 1, "name": "A", "position": 0})
            conn.execute(t["attendee"].insert(), [
                {"id": 1, "event_id": 1, "name": "Ada", "email": "ada@example.com",
                 "manage_token_hash": token_hash} | person,
                {"id": 2, "event_id": 1, "name": "Walk-in", "email": "walk@example.com",
                 "manage_token_hash": None} | person])
            conn.execute(t["attendee_offer"].insert(), {"attendee_id": 1, "topic_id": 1})
            conn.execute(t["blocked_pair"].insert(), {"id": 1, "event_id": 1, "attendee_a_id": 1,
                                                      "attendee_b_id": 2, "requested": True})

        upgrade()
        if db.engine.dialect.name == "sqlite":  # switched off for the table rebuild, and back on
            assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        event = db.session.get(Event, 1)
        ada = attendee_for_token(event, token)
        assert ada is not None and ada.name == "Ada"
        rows = db.session.execute(db.select(ManageToken.attendee_id, ManageToken.token_hash,
                                            ManageToken.purpose, ManageToken.revoked_at)).all()
        assert rows == [(1, token_hash, "migrated", None)]
        assert [topic.name for topic in ada.offers] == ["A"]
        assert db.session.execute(sa.text("SELECT count(*) FROM pair_rule")).scalar() == 1

        with app.test_request_context():  # a link is a URL
            newest = issue_manage_link(ada, "schedule").rsplit("/", 1)[1]
            walk_in = db.session.get(type(ada), 2)
            issue_manage_link(walk_in, "schedule")
        db.session.flush()
        revoke_manage_links(walk_in)
        db.session.commit()
        assert attendee_for_token(event, token) == ada  # the older link still works too
        db.session.remove()

        downgrade(revision=BEFORE_MANAGE_TOKENS)
        assert "manage_token" not in table_names()
        with db.engine.connect() as conn:
            hashes = conn.execute(sa.text("SELECT id, manage_token_hash FROM attendee ORDER BY id")).all()
            assert [tuple(row) for row in hashes] == [(1, hash_token(newest)), (2, None)]
            assert conn.execute(sa.text("SELECT count(*) FROM attendee_offer")).scalar() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM blocked_pair")).scalar() == 1
        downgrade(revision="base")


BEFORE_JOB_COLUMNS = "47fdcba41a01"  # job.params/progress as TEXT, version_id without a key


def _organiser_and_event(conn, t, now) -> None:
    """Organiser 1 and their event 1, as every schema revision here has them."""
    conn.execute(t["organiser"].insert(), {"id": 1, "email": "org@example.com", "name": "Org",
                                           "password_hash": "x", "created_at": now})
    conn.execute(t["event"].insert(), {
        "id": 1, "organiser_id": 1, "slug": "e", "name": "E", "description": "", "venue": "",
        "timezone": "Europe/Stockholm", "table_names": "", "registration_open": True,
        "block_same_organisation": True, "created_at": now})


def _event_with_a_version(t, now) -> None:
    """Rows of the pre-upgrade schema: an organiser, event 1, and its schedule version 1."""
    with db.engine.begin() as conn:
        _organiser_and_event(conn, t, now)
        conn.execute(t["schedule_version"].insert(), {
            "id": 1, "event_id": 1, "number": 1, "status": "published", "held_rounds": 0,
            "inputs_fingerprint": "", "seed": 0, "solver_status": "optimal", "solver_message": "",
            "objective": 1.0, "upper_bound": 1.0, "gap": 0.0, "wall_time": 0.1, "details": "{}",
            "created_at": now})


def test_jobs_keep_their_params_progress_and_version(make_app):
    """The job migration keeps what each job said (its JSON text becomes JSON), moves a PDF
    job's version out of its params into the new key, clears a version id that points
    nowhere, and keeps the one-active-job-per-event rule; the downgrade puts it all back."""
    from datetime import datetime

    from meetmatch import jobs
    from meetmatch.models import Job, JobStatus

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade(revision=BEFORE_JOB_COLUMNS)
        old = sa.MetaData()
        old.reflect(db.engine)
        now = datetime(2026, 11, 1, 12, 0)
        _event_with_a_version(old.tables, now)
        job = {"event_id": 1, "error": None, "created_at": now, "started_at": now, "finished_at": now}
        with db.engine.begin() as conn:
            conn.execute(old.tables["job"].insert(), [
                job | {"id": 11, "kind": "build_schedule", "status": "done", "version_id": 1,
                       "params": '{"time_limit": 5}', "progress": '{"phase": "done", "objective": 3.5}'},
                job | {"id": 12, "kind": "build_schedule", "status": "failed", "version_id": 99,
                       "params": "{}", "progress": "", "error": "Ada: no rounds"},
                job | {"id": 13, "kind": "render_pdf", "status": "done", "version_id": None,
                       "params": '{"version_id": 1}',
                       "progress": '{"phase": "done", "rendered": {"1": {"master": "abc"}}}'},
                job | {"id": 14, "kind": "render_pdf", "status": "queued", "version_id": None,
                       "params": '{"version_id": 1}', "progress": "{}", "finished_at": None}])

        upgrade()
        found = {j.id: j for j in db.session.execute(db.select(Job)).scalars()}
        assert (found[11].status, found[11].params, found[11].progress, found[11].version_id) == (
            JobStatus.DONE, {"time_limit": 5}, {"phase": "done", "objective": 3.5}, 1)
        assert (found[12].status, found[12].version_id, found[12].progress, found[12].error) == (
            JobStatus.FAILED, None, {}, "Ada: no rounds")
        assert (found[13].params, found[13].version_id) == ({}, 1)
        assert found[13].progress["rendered"] == {"1": {"master": "abc"}}
        assert (found[14].status, found[14].version_id) == (JobStatus.QUEUED, 1)
        # one active job per event and kind, as before: a new build is queued, a second is not
        build, created = jobs.enqueue_job(1, "build_schedule")
        assert created and jobs.enqueue_job(1, "build_schedule") == (build, False)
        assert jobs.enqueue_job(1, "render_pdf", version_id=1) == (found[14], False)
        db.session.remove()

        downgrade(revision=BEFORE_JOB_COLUMNS)
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, params, progress, version_id FROM job "
                                        "WHERE id BETWEEN 11 AND 14 ORDER BY id")).all()
        assert [(r[0], json.loads(r[1]), r[3]) for r in rows] == [
            (11, {"time_limit": 5}, 1), (12, {}, None), (13, {"version_id": 1}, None),
            (14, {"version_id": 1}, None)]
        assert json.loads(rows[0][2]) == {"phase": "done", "objective": 3.5}
        downgrade(revision="base")


BEFORE_PAIR_RULES = "7f4bda4017ca"  # blocked_pair with requested = true for "must meet"


def test_pair_rules_keep_their_kind_both_ways(make_app):
    """blocked_pair rows become pair_rule rows of the right kind, with their ids; new rules get
    new ids; the downgrade turns them back into blocked_pair rows."""
    from datetime import datetime

    from meetmatch import pair_rules
    from meetmatch.models import Attendee, Event, PairRule, PairRuleKind

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade(revision=BEFORE_PAIR_RULES)
        old = sa.MetaData()
        old.reflect(db.engine)
        t = old.tables
        now = datetime(2026, 11, 1, 12, 0)
        _event_with_a_version(t, now)
        person = {"event_id": 1, "organisation": "", "title": "", "offers_text": "", "needs_text": "",
                  "walk_in": False, "status": "registered", "created_at": now, "updated_at": now}
        with db.engine.begin() as conn:
            conn.execute(t["attendee"].insert(), [
                person | {"id": n, "name": name, "email": f"{name.lower()}@example.com"}
                for n, name in ((1, "Ada"), (2, "Ben"), (3, "Chloe"), (4, "Dev"))])
            conn.execute(t["blocked_pair"].insert(), [
                {"id": 5, "event_id": 1, "attendee_a_id": 1, "attendee_b_id": 2, "requested": True},
                {"id": 7, "event_id": 1, "attendee_a_id": 1, "attendee_b_id": 3, "requested": False}])

        upgrade()
        rows = db.session.execute(db.select(PairRule.id, PairRule.attendee_a_id, PairRule.attendee_b_id,
                                            PairRule.kind).order_by(PairRule.id)).all()
        assert [tuple(r) for r in rows] == [(5, 1, 2, PairRuleKind.MUST_MEET),
                                            (7, 1, 3, PairRuleKind.MUST_NOT_MEET)]
        event = db.session.get(Event, 1)
        ada, dev = db.session.get(Attendee, 1), db.session.get(Attendee, 4)
        assert pair_rules.count_pair_rules(event) == {"must_meet": 1, "must_not_meet": 1, "cancelled": 0}
        added = pair_rules.add_pair_rule(event, dev, ada, PairRuleKind.MUST_MEET)
        added_id = added.id
        assert added_id > 7 and (added.attendee_a_id, added.attendee_b_id) == (1, 4)
        with pytest.raises(sa.exc.IntegrityError):  # the kind is checked by the database too
            db.session.execute(sa.text("INSERT INTO pair_rule (event_id, attendee_a_id, "
                                       "attendee_b_id, kind) VALUES (1, 2, 3, 'maybe')"))
        db.session.rollback()
        db.session.remove()

        downgrade(revision=BEFORE_PAIR_RULES)
        assert "pair_rule" not in table_names()
        with db.engine.connect() as conn:
            back = conn.execute(sa.text("SELECT id, attendee_a_id, attendee_b_id, requested "
                                        "FROM blocked_pair ORDER BY id")).all()
        assert [(r[0], r[1], r[2], bool(r[3])) for r in back] == [
            (5, 1, 2, True), (7, 1, 3, False), (added_id, 1, 4, True)]
        downgrade(revision="base")
