"""Privacy (issue 9): no registration enumeration, the notice and consent, download and
erasure of an attendee everywhere, organiser deletes, retention, purged mail bodies."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import sqlalchemy as sa

from meetmatch.extensions import db
from meetmatch.mail import send_due_messages
from meetmatch.models import (
    Attendee,
    CancelledMeeting,
    Event,
    Job,
    ManageToken,
    OutboxMessage,
    SavedMeeting,
    ScheduleVersion,
    TextVector,
    Wish,
    WishKind,
)

CSRF = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*(")|(<meta name="csrf-token" content=")[^"]*(")')


def _strip_csrf(html: str) -> str:
    return CSRF.sub(lambda m: (m.group(1) or m.group(3)) + "X" + (m.group(2) or m.group(4)), html)


def _csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_repeated_registration_is_answered_exactly_like_a_new_one(app, make_app, make_event,
                                                                    registration_data):
    app = make_app(WTF_CSRF_ENABLED=True)  # after `app`: the fixtures share this app's session
    with app.app_context():
        event = make_event()
        answers = []
        # One client: inside this app context Flask-WTF keeps one token in ``g`` for all requests.
        client = app.test_client()
        for email in ("alice@example.com", "alice@example.com", "bob@example.com"):
            token = _csrf_from(client.get(f"/e/{event.slug}/register").get_data(as_text=True))
            post = client.post(f"/e/{event.slug}/register",
                               data=registration_data(event, email=email, csrf_token=token))
            follow = client.get(post.headers["Location"])
            answers.append((post.status_code, post.headers["Location"], _strip_csrf(post.get_data(as_text=True)),
                            follow.status_code, _strip_csrf(follow.get_data(as_text=True))))
        # Known (2nd) and new (1st, 3rd) emails: byte for byte the same answer.
        assert answers[0] == answers[1] == answers[2]
        assert answers[0][0] == 302 and answers[0][1] == f"/e/{event.slug}/registered"
        db.session.expire_all()
        assert db.session.execute(sa.select(sa.func.count()).select_from(Attendee)).scalar_one() == 2
        kinds = [(m.to_addr, m.kind) for m in db.session.execute(
            sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]
        assert kinds == [("alice@example.com", "registration_confirmation"),
                         ("alice@example.com", "manage_link"),  # the registrant gets their link
                         ("bob@example.com", "registration_confirmation")]


def test_a_stranger_cannot_kill_links_and_the_owner_revokes_them_on_the_manage_page(
        client, make_event, register, manage_path, outbox):
    event = make_event()
    register(event)
    first = manage_path("alice@example.com")
    register(event)  # someone who knows the address registers it again …
    client.post(f"/e/{event.slug}/link", data={"email": "alice@example.com"})  # … and asks for a link
    second = manage_path("alice@example.com")
    assert second != first
    assert client.get(first).status_code == 200 and client.get(second).status_code == 200
    assert len(outbox(to_addr="alice@example.com")) == 3

    page = client.get(first)
    assert f"{first}/revoke-links" in page.get_data(as_text=True)
    confirm = client.get(f"{first}/revoke-links")  # a confirmation page; GET changes nothing
    assert confirm.status_code == 200 and "stops working" in confirm.get_data(as_text=True)
    assert client.get(first).status_code == 200
    response = client.post(f"{first}/revoke-links")
    assert response.status_code == 302 and response.headers["Location"] == f"/e/{event.slug}"
    newest = manage_path("alice@example.com")
    assert newest not in (first, second)
    assert client.get(first).status_code == 404 and client.get(second).status_code == 404
    assert client.get(newest).status_code == 200


def test_organiser_notice_is_versioned_linked_and_recorded_with_consent(
        app, client, make_event, register, login):
    app.config["RETENTION_DAYS"] = 180  # the default (the tests' config keeps data longer)
    event = make_event()
    login()
    page = client.get(f"/organiser/events/{event.slug}/privacy").get_data(as_text=True)
    assert "The default notice" in page and "180 days after the event" in page
    public = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert f'href="/e/{event.slug}/privacy"' in public
    assert f'href="/e/{event.slug}/privacy"' in client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    register(event, email="early@example.com")

    response = client.post(f"/organiser/events/{event.slug}/privacy",
                           data={"notice": "We keep <your> data for the fair only.", "retention_days": "30"})
    assert response.status_code == 302
    register(event, email="late@example.com")
    db.session.expire_all()
    early, late = (db.session.execute(sa.select(Attendee).filter_by(email=e)).scalar_one()
                   for e in ("early@example.com", "late@example.com"))
    assert early.consent_version == app.config["PRIVACY_NOTICE_VERSION"] and early.consent_at
    assert late.consent_version == "e1" and late.consent_at
    shown = client.get(f"/e/{event.slug}/privacy").get_data(as_text=True)
    assert "We keep &lt;your&gt; data for the fair only." in shown
    assert "Version e1." in shown
    assert "(version e1)" in client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "30 days after the event" in client.get(f"/e/{event.slug}/privacy?version=0").get_data(as_text=True)
    assert client.get(f"/e/{event.slug}/privacy?version=7").status_code == 404
    assert db.session.get(Event, event.id).retention_days == 30
    bad = client.post(f"/organiser/events/{event.slug}/privacy", data={"notice": "", "retention_days": "0"})
    assert bad.status_code == 400 and "from 1 to 3650" in bad.get_data(as_text=True)


def _published_with(event, people):
    """A published version pairing people[0] with each other person, round by round."""
    version = ScheduleVersion(event_id=event.id, number=1, status="published",
                              details=json.dumps({"problems": [f"{people[0].name} is short"],
                                                  "short": [people[0].id],
                                                  "targets": {str(p.id): 2 for p in people}}))
    db.session.add(version)
    for n, other in enumerate(people[1:], start=1):
        version.meetings.append(SavedMeeting(round_number=n, table_number=n, attendee_a_id=people[0].id,
                                             attendee_b_id=other.id, score=1.0, why="w"))
    db.session.commit()
    return version


def test_delete_me_erases_the_attendee_everywhere(app, client, make_event, make_attendee, register,
                                                 manage_path, outbox, tmp_path):
    from meetmatch.matching.encoders import E5Encoder, text_hash
    from meetmatch.privacy import _InputText

    event = make_event()
    register(event, offers_text="Zebra-striped logistics audits", needs_text="a seed lead")
    alice = db.session.execute(sa.select(Attendee).filter_by(email="alice@example.com")).scalar_one()
    bob = make_attendee(event, name="Bob Berg", needs_text="a seed lead")
    version = _published_with(event, [alice, bob])
    path = manage_path("alice@example.com")
    send_due_messages()  # the confirmation is written as an .eml file
    mail_files = list((tmp_path / "mail").glob("*.eml"))
    assert len(mail_files) == 1
    pdf = tmp_path / "pdf" / str(event.id) / f"v{version.id}-agenda-abc.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF")
    report_pdf = pdf.parent / "report-0123abcd.pdf"
    report_pdf.write_bytes(b"%PDF")
    shim = _InputText(E5Encoder)
    only_hers = text_hash(shim, "Zebra-striped logistics audits", "offer")
    shared = text_hash(shim, "a seed lead", "need")
    db.session.add_all([TextVector(model="e5-small", text_hash=h, vector=b"\0" * 4) for h in (only_hers, shared)])
    db.session.commit()
    db.session.add_all([Wish(event_id=event.id, attendee_id=alice.id, other_id=bob.id, kind=WishKind.MEET),
                        Wish(event_id=event.id, attendee_id=bob.id, other_id=alice.id, kind=WishKind.AVOID)])
    db.session.commit()

    data = client.get(path + "/data.json")
    assert data.status_code == 200 and data.headers["Cache-Control"] == "no-store"
    assert "attachment" in data.headers["Content-Disposition"]
    mine = json.loads(data.get_data(as_text=True))
    assert mine["registration"]["email"] == "alice@example.com"
    assert mine["registration"]["offers_text"] == "Zebra-striped logistics audits"
    assert mine["consent"]["privacy_notice_version"] == app.config["PRIVACY_NOTICE_VERSION"]
    assert mine["schedule"][0]["partner"] == "Bob Berg"
    assert [e["kind"] for e in mine["emails"]] == ["registration_confirmation"]
    assert "token" not in json.dumps(mine["private_links"])
    # Her own wish is hers to download; Bob's private "rather not meet" about her is not.
    assert [(w["other_id"], w["kind"]) for w in mine["wish"]] == [(bob.id, "meet")]
    assert "avoid" not in json.dumps(mine)

    confirm = client.get(path + "/delete")
    assert confirm.status_code == 200 and "a cancelled meeting" in confirm.get_data(as_text=True)
    assert db.session.get(Attendee, alice.id) is not None  # GET changes nothing
    response = client.post(path + "/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.execute(sa.select(Attendee).filter_by(email="alice@example.com")).first() is None
    assert db.session.execute(sa.select(ManageToken)).first() is None
    assert outbox(to_addr="alice@example.com") == []
    assert not any(p.exists() for p in mail_files) and not pdf.exists() and not report_pdf.exists()
    [render] = db.session.execute(sa.select(Job)).scalars()  # new PDFs without her, queued
    assert (render.kind, render.version_id, render.status) == ("render_pdf", version.id, "queued")
    vectors = set(db.session.execute(sa.select(TextVector.text_hash)).scalars())
    assert vectors == {shared}  # Bob still uses "a seed lead"
    assert db.session.execute(sa.select(SavedMeeting)).first() is None
    assert db.session.execute(sa.select(Wish)).first() is None
    details = db.session.get(ScheduleVersion, version.id).details
    assert "Alice" not in details and str(alice.id) not in json.loads(details)["targets"]
    # Nothing anywhere still holds her email or her own words.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).all():
            assert not any(isinstance(v, str) and ("alice@example.com" in v or "Zebra" in v) for v in row)
    assert client.get(path).status_code == 404
    # Bob's agenda keeps the slot as a cancelled meeting.
    from meetmatch.schedules.review import published_agenda
    [item] = published_agenda(db.session.get(Attendee, bob.id))
    assert item.cancelled and item.partner == "A cancelled meeting" and item.round == 1
    assert db.session.execute(sa.select(CancelledMeeting.attendee_id)).scalars().all() == [bob.id]


def test_organiser_deletes_an_attendee_after_a_confirmation_page(client, make_event, make_attendee,
                                                                login):
    event = make_event()
    ann = make_attendee(event, name="Ann Other")
    login()
    page = client.get(f"/organiser/events/{event.slug}/attendees/{ann.id}")
    assert f"/attendees/{ann.id}/delete" in page.get_data(as_text=True)
    confirm = client.get(f"/organiser/events/{event.slug}/attendees/{ann.id}/delete")
    assert confirm.status_code == 200 and "Delete Ann Other?" in confirm.get_data(as_text=True)
    response = client.post(f"/organiser/events/{event.slug}/attendees/{ann.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Attendee, ann.id) is None


def test_organiser_deletes_an_event_only_with_its_address_typed(client, make_event, make_attendee,
                                                               make_organiser, login, tmp_path):
    event = make_event()
    make_attendee(event)
    other = make_event(organiser=make_organiser(email="other@example.com"))
    login()
    assert client.post(f"/organiser/events/{other.slug}/delete",
                       data={"confirm_slug": other.slug}).status_code == 404
    page = client.get(f"/organiser/events/{event.slug}/delete").get_data(as_text=True)
    assert "all 1 attendees" in page
    wrong = client.post(f"/organiser/events/{event.slug}/delete", data={"confirm_slug": "nope"})
    assert wrong.status_code == 400 and db.session.get(Event, event.id) is not None
    (tmp_path / "pdf" / str(event.id)).mkdir(parents=True)
    (tmp_path / "pdf" / str(event.id) / "v1-master-x.pdf").write_bytes(b"%PDF")
    response = client.post(f"/organiser/events/{event.slug}/delete", data={"confirm_slug": event.slug})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.execute(sa.select(Event.slug)).scalars().all() == [other.slug]
    assert db.session.execute(sa.select(sa.func.count()).select_from(Attendee)).scalar_one() == 0
    assert not (tmp_path / "pdf" / str(event.id)).exists()
    assert client.get(f"/e/{event.slug}").status_code == 404


def test_sent_mail_keeps_its_headers_but_not_its_body(client, make_event, register, outbox):
    event = make_event()
    register(event)
    send_due_messages()
    [message] = outbox()
    assert message.status == "sent" and message.subject and message.message_id
    assert message.body_text == "" and message.body_html is None and message.attachments is None


def test_retention_warns_then_erases_keeping_only_figures(app, client, make_event, make_attendee,
                                                         login, outbox):
    from meetmatch.retention import run_retention

    event = make_event()
    # The event ten days from today (the page counts from the real today), so with 30 days
    # of retention its data is erased 40 days from today.
    day = date.today() + timedelta(days=10)
    shift = day - min(r.starts_at for r in event.rounds).date()
    for r in event.rounds:
        r.starts_at += shift
    event.retention_days = 30
    erase = day + timedelta(days=30)
    ann, ben = make_attendee(event, name="Ann"), make_attendee(event, name="Ben")
    version = _published_with(event, [ann, ben])
    version.two_way_share = 1.0
    db.session.commit()
    assert run_retention(erase - timedelta(days=20)).warned == []  # 20 days before: too early
    login()
    assert "will be erased" not in client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)

    report = run_retention(erase - timedelta(days=13))
    assert report.warned == [event.slug] and report.erased == []
    [warning] = outbox(kind="retention_warning")
    assert warning.to_addr == "org@example.com" and erase.isoformat() in warning.subject
    assert f"http://localhost/organiser/events/{event.slug}/privacy" in warning.body_text
    assert run_retention(erase - timedelta(days=12)).warned == []  # warned once
    app.config["RETENTION_WARNING_DAYS"] = 60  # the page counts from the real today: 40 days
    page = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert f"will be erased on {erase.isoformat()}" in page

    result = app.test_cli_runner().invoke(args=["retention", "--today", erase.isoformat()])
    assert result.exit_code == 0, result.output
    assert "erased the personal data of 1 event(s)" in result.output
    db.session.expire_all()
    kept = db.session.get(Event, event.id)
    assert kept.personal_data_erased_at is not None and not kept.registration_open
    assert kept.retained_figures["attendees"] == 2
    assert kept.retained_figures["published_schedule"]["meetings"] == 1
    assert kept.retained_figures["published_schedule"]["two_way_share"] == 1.0
    assert db.session.execute(sa.select(sa.func.count()).select_from(Attendee)).scalar_one() == 0
    assert outbox(event_id=event.id) == []
    assert db.session.get(ScheduleVersion, version.id).two_way_share == 1.0
    assert "was erased" in client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)


def test_attendee_deletes_without_a_csrf_token_are_refused(app, make_app, make_event,
                                                          make_attendee):
    from meetmatch.registration import issue_manage_link

    app = make_app(WTF_CSRF_ENABLED=True)  # after `app`: the fixtures share this app's session
    with app.app_context():
        event = make_event()
        ann = make_attendee(event, name="Ann")
        with app.test_request_context(method="POST"):
            path = issue_manage_link(ann, "test").removeprefix("http://localhost")
        db.session.commit()
        client = app.test_client()
        for url in (f"{path}/delete", f"{path}/revoke-links"):
            assert client.post(url).status_code == 400, url
        db.session.expire_all()
        assert db.session.get(Attendee, ann.id) is not None
        assert db.session.execute(sa.select(ManageToken.revoked_at)).scalar_one() is None


def test_the_worker_runs_retention_once_a_day(app, make_event, make_attendee, monkeypatch):
    from datetime import datetime

    from meetmatch import retention
    from meetmatch.worker import work_once

    monkeypatch.setattr(retention, "_last_run", None)
    monkeypatch.setattr(retention, "_retry_after", None)
    past, future = make_event(), make_event()
    for r in past.rounds:  # a year ago
        r.starts_at = r.starts_at.replace(year=datetime.now().year - 1)
    shift = date.today() + timedelta(days=10) - min(r.starts_at for r in future.rounds).date()
    for r in future.rounds:  # in ten days, whatever today's date is
        r.starts_at += shift
    past.retention_days = 30
    db.session.commit()
    make_attendee(past, name="Old Timer")
    make_attendee(future, name="Soon Here")
    assert work_once()["events_past_retention"] == 1
    db.session.expire_all()
    assert [a.name for a in db.session.execute(sa.select(Attendee)).scalars()] == ["Soon Here"]
    assert db.session.get(Event, past.id).retained_figures["attendees"] == 1
    make_attendee(past, name="Late Import")  # imported after the pass
    assert work_once()["events_past_retention"] == 0  # the same day: no second pass
    assert db.session.execute(sa.select(sa.func.count()).select_from(Attendee)).scalar_one() == 2
    monkeypatch.setattr(retention, "_last_run", date(2000, 1, 1))  # the next day
    assert work_once()["events_past_retention"] == 1
    db.session.expire_all()
    assert [a.name for a in db.session.execute(sa.select(Attendee)).scalars()] == ["Soon Here"]
    assert db.session.get(Event, past.id).retained_figures["attendees"] == 1  # the first figures
