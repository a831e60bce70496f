"""The day-of flow: numbers that agree, remembered cancellations, walk-ins, calendar updates that
replace instead of piling up, confirmations and undo."""

from __future__ import annotations

import re

import icalendar
import pytest

from meetmatch.extensions import db
from meetmatch.models import Attendee, PairRule, PairRuleKind
from meetmatch.schedules import adjust, engine_io, review, versions


@pytest.fixture
def app_config(app_config, smtp_server):
    return app_config | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port}


def _rebuilt(event, v1, held=2):
    v2 = engine_io.build_schedule(event, time_limit=2.0, held_rounds=held, based_on=v1)
    return v2


def _no_show_with_held_meetings(event, v1, held=2):
    """Someone who met people in the held rounds and did not come back."""
    person = next(a for a in event.attendees
                  if any(m.round_number <= held and a.id in (m.attendee_a_id, m.attendee_b_id)
                         for m in v1.meetings))
    person.status = "no_show"
    db.session.commit()
    return person


def _mailed_then_rebuilt(client, login, published):
    """Version 1 published and mailed, a no-show after two rounds, version 2 rebuilt from it
    and published: (event, v1, v2, the schedule pages' base URL)."""
    event, v1 = published()
    login()
    base = f"/organiser/events/{event.slug}/schedule"
    client.post(f"{base}/v/1/send")
    _no_show_with_held_meetings(event, v1)
    v2 = _rebuilt(event, v1)
    versions.publish_version(v2)
    return event, v1, v2, base


def test_cards_sentence_and_problems_agree_after_a_rebuild(app, client, login, published):
    event, v1 = published(num_tables=3, min_meetings=4)
    ada = _no_show_with_held_meetings(event, v1)
    v2 = _rebuilt(event, v1)
    # the solver counts only meetings between people still here; the saved version also keeps
    # the held meetings of the no-show: the page must count one way only
    kept_with_no_show = [m for m in v2.meetings if ada.id in (m.attendee_a_id, m.attendee_b_id)]
    assert kept_with_no_show and str(len(v2.meetings)) not in v2.solver_message.split(" meetings")[0]
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/{v2.number}").get_data(as_text=True)
    summary = review.summary(event, v2)
    n_short = len(summary["short"])
    cards = re.findall(r'<div class="num">(\d+)</div>([^<]+)<', page)
    assert (str(len(v2.meetings)), "meetings for ") in [(n, t[:13]) for n, t in cards]
    assert (str(n_short), "attendees below their target") in cards
    sentence = re.search(r'<p id="summary-sentence">([^<]+)</p>', page).group(1)
    assert sentence.startswith(f"{len(v2.meetings)} meetings for ")
    assert (f"{n_short} attendee" in sentence) if n_short else ("everyone reaches" in sentence)
    # the problem list names exactly the people counted short
    listed = [p for p in summary["problems"] if p.rule == "Fewest meetings per attendee"]
    named = {n.strip() for p in listed for n in p.who.split(",")}
    assert named == {p.attendee.name for p in summary["short"]}
    assert sum(int(p.reason.split()[0]) for p in listed) == n_short
    # no internal ids and no solver message on the page; the solver's numbers sit in a disclosure
    assert v2.solver_message not in page
    ids = {a.id for a in event.attendees}
    assert not [m for m in re.findall(r"\b(\d+)-(\d+)\b", page)
                if int(m[0]) in ids and int(m[1]) in ids and m[0] != m[1]
                and f"{m[0]}-{m[1]}" in v2.solver_message]
    details = page.split("<details")[1]
    assert "Solver details" in details and "Bound" in details and "Seed" in details
    assert "Bound" not in page.split("<details")[0] and "seed" not in page.split("<details")[0]


def test_same_organisation_block_advice_does_not_ask_for_tables(app, small_event):
    people = [("Ann One", "Bigco", ("Seed funding",), ("UX design",)),
              ("Bo Two", "Bigco", ("UX design",), ("Seed funding",)),
              ("Cy Three", "Bigco", ("Seed funding",), ("UX design",)),
              ("Di Four", "Smallco", ("UX design",), ("Seed funding",))]
    event = small_event(people=people, num_tables=10, min_meetings=3)
    version = engine_io.build_schedule(event, time_limit=2.0)
    summary = review.summary(event, version)
    assert summary["short"]
    rows = [p for p in summary["problems"] if p.rule == "Fewest meetings per attendee"]
    org_row = next(p for p in rows if "Ann One" in p.who)
    assert "same organisation" in org_row.reason and "Allow meetings within the same" in org_row.advice
    assert "Add tables" not in org_row.advice


def test_a_cancelled_meeting_stays_cancelled_on_a_rebuild(app, client, login, published):
    event, v1 = published()
    draft = versions.copy_to_draft(v1)
    meeting = next(m for m in draft.meetings if m.round_number == 3)
    a, b = meeting.attendee_a, meeting.attendee_b
    login()
    url = f"/organiser/events/{event.slug}/schedule/v/{draft.number}/meetings/{meeting.id}/cancel"
    confirm = client.get(url).get_data(as_text=True)
    assert f"{a.name} and {b.name} will not meet in round 3" in confirm and "remembered" in confirm
    assert client.post(url).status_code == 302
    rules = db.session.query(PairRule).filter_by(event_id=event.id).all()
    assert [(r.kind, {r.attendee_a_id, r.attendee_b_id}) for r in rules] == [
        (PairRuleKind.CANCELLED, {a.id, b.id})]
    # visible on both people's pages, and the rebuild never pairs them again
    for person in (a, b):
        page = client.get(f"/organiser/events/{event.slug}/attendees/{person.id}").get_data(as_text=True)
        assert "Meeting cancelled by hand" in page
    v2 = _rebuilt(event, v1, held=1)
    assert not [m for m in v2.meetings
                if {m.attendee_a_id, m.attendee_b_id} == {a.id, b.id} and m.round_number > 1]
    assert any(f"{a.name} and {b.name}" in note or f"{b.name} and {a.name}" in note
               for note in versions.details_of(v2)["notes"])
    # removable: after removing it the pair may be planned again
    remove = f"/organiser/events/{event.slug}/attendees/{a.id}/rules/remove"
    confirm = client.get(f"{remove}?rule={rules[0].id}").get_data(as_text=True)
    assert "not paired again" in confirm
    client.post(remove, data={"rule": str(rules[0].id)})
    assert db.session.query(PairRule).count() == 0


def test_adding_the_pair_back_by_hand_forgets_the_cancellation(app, published):
    event, v1 = published()
    draft = versions.copy_to_draft(v1)
    meeting = next(m for m in draft.meetings if m.round_number == 2)
    a, b, r, t = meeting.attendee_a, meeting.attendee_b, meeting.round_number, meeting.table_number
    adjust.cancel_meeting(draft, meeting)
    assert db.session.query(PairRule).count() == 1
    adjust.add_meeting(draft, a, b, r, t)
    assert db.session.query(PairRule).count() == 0


def test_walk_in_does_not_sit_out_rounds_before_they_came(app, published, make_attendee):
    event, v1 = published()
    walker = make_attendee(event, name="Walt Walkin", organisation="Streetwise", walk_in=True,
                           offers=("Seed funding", "Mentoring"), needs=("Recruiting",),
                           email="walt@example.com")
    # the published version was built before Walt came: he is not in it, so not sitting out
    assert all(walker not in rv.sitting_out for rv in review.by_round(event, v1))
    v2 = _rebuilt(event, v1, held=2)
    versions.publish_version(v2)
    walt = next(p for p in review.by_attendee(event, v2) if p.attendee.id == walker.id)
    assert all(r > 2 for r in walt.sits_out)
    for rv in review.by_round(event, v2)[:2]:
        assert walker not in rv.sitting_out
    # and a rebuild of the rebuild still knows when Walt came
    v3 = _rebuilt(event, v2, held=3)
    walt = next(p for p in review.by_attendee(event, v3) if p.attendee.id == walker.id)
    assert all(r > 2 for r in walt.sits_out)


def _calendar_parts(message):
    return {part.get_filename(): part for part in message.walk() if part.get_content_type() == "text/calendar"}


def test_calendar_updates_replace_and_cancel(app, client, login, published, smtp):
    from meetmatch.worker import work_once

    event, v1 = published()
    login()
    base = f"/organiser/events/{event.slug}/schedule"
    client.post(f"{base}/v/1/send")
    work_once()
    first = {m["To"].addresses[0].addr_spec: m for m in smtp.received}
    # the organiser moves one meeting by hand and publishes: same UID, SEQUENCE 1
    draft = versions.copy_to_draft(v1)
    moved = next(m for m in draft.meetings if m.round_number == 4)
    free = set(range(1, 7)) - {m.table_number for m in draft.meetings if m.round_number == 4}
    adjust.move_meeting(draft, moved, 4, min(free))
    mover = moved.attendee_a
    # and someone leaves: their partners' meetings are dropped
    gone = next(a for a in event.attendees if a.id not in (moved.attendee_a_id, moved.attendee_b_id)
                and any(a.id in (m.attendee_a_id, m.attendee_b_id) for m in draft.meetings))
    dropped = [m for m in draft.meetings if gone.id in (m.attendee_a_id, m.attendee_b_id)]
    partner = dropped[0].partner_of(gone.id)
    for m in dropped:
        adjust.cancel_meeting(draft, m)
    gone.status = "withdrawn"
    db.session.commit()
    client.post(f"{base}/v/{draft.number}/publish")
    smtp.received.clear()
    client.post(f"{base}/v/{draft.number}/send-updates")
    work_once()
    to = {m["To"].addresses[0].addr_spec: m for m in smtp.received}

    def events_of(message, name="schedule.ics"):
        part = _calendar_parts(message)[name]
        assert part.get_content_charset() == "utf-8"  # declared on the part itself
        raw = part.get_payload(decode=True)
        return icalendar.Calendar.from_ical(raw), raw

    old_cal, _ = events_of(first[mover.email])
    new_cal, raw = events_of(to[mover.email])
    uid = review.meeting_uid(event, moved.attendee_a_id, moved.attendee_b_id) + "@meetmatch"
    old_uids = {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in old_cal.walk("VEVENT")}
    new_uids = {str(e["UID"]): int(e["SEQUENCE"]) for e in new_cal.walk("VEVENT")}
    assert old_uids[uid] == 0 and new_uids[uid] == 1 and b"SEQUENCE:1" in raw
    assert set(new_uids) <= set(old_uids)  # nothing new to pile up: the same meetings, replaced
    # the partner of the person who left: a cancellation with the UID their calendar knows
    cancel, raw = events_of(to[partner.email], "cancelled.ics")
    assert str(cancel["METHOD"]) == "CANCEL" and b"STATUS:CANCELLED" in raw
    cancelled = {str(e["UID"]) for e in cancel.walk("VEVENT")}
    gone_uid = review.meeting_uid(event, gone.id, partner.id) + "@meetmatch"
    assert gone_uid in cancelled
    first_uids = {str(e["UID"]) for e in events_of(first[partner.email])[0].walk("VEVENT")}
    assert gone_uid in first_uids
    assert all(int(e["SEQUENCE"]) == 1 for e in cancel.walk("VEVENT"))
    # nobody else was mailed
    assert gone.email not in to and set(to) <= {a.email for a in event.attendees}


def test_withdraw_asks_first_and_can_be_undone(app, client, login, published):
    event, _ = published()
    person = event.attendees[0]
    login()
    url = f"/organiser/events/{event.slug}/attendees/{person.id}/status"
    page = client.get(f"/organiser/events/{event.slug}/attendees/{person.id}").get_data(as_text=True)
    assert f"{url}?status=withdrawn" in page
    confirm = client.get(f"{url}?status=withdrawn").get_data(as_text=True)
    assert f"{person.name} will be withdrawn" in confirm and "undo" in confirm.lower()
    assert person.is_active  # showing the page changed nothing
    client.post(url, data={"status": "withdrawn"})
    db.session.refresh(person)
    assert person.status == "withdrawn"
    page = client.get(f"/organiser/events/{event.slug}/attendees/{person.id}").get_data(as_text=True)
    assert f"Undo: register {person.name} again" in page
    response = client.post(url, data={"status": "registered"}, follow_redirects=True)
    assert f"{person.name} is registered again." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.is_active


def test_mail_page_main_action_after_a_rebuild_and_full_resend_confirmation(
        app, client, login, published):
    event, v1, v2, base = _mailed_then_rebuilt(client, login, published)
    changed = [a for a in event.attendees
               if a.id in versions.changes_between(v1, v2) and a.is_active]
    page = client.get(f"{base}/v/{v2.number}/mail").get_data(as_text=True)
    main = re.search(r'<a class="button" id="send-updates"[^>]*>([^<]+)</a>', page).group(1)
    assert main == f"Send updates to the {len(changed)} people whose meetings changed"
    assert 'class="button secondary" id="send-all"' in page
    confirm = client.get(f"{base}/v/{v2.number}/send").get_data(as_text=True)
    active = sum(a.is_active for a in event.attendees)
    assert f"to {active} people" in confirm and f"Email {active} people" in confirm


def test_attendee_withdrawal_asks_first(app, client, make_event, register, manage_path):
    event = make_event()
    register(event)
    path = manage_path("alice@example.com")
    page = client.get(path).get_data(as_text=True)
    assert f'href="{path}/withdraw"' in page  # a link to a page that says what happens
    confirm = client.get(f"{path}/withdraw").get_data(as_text=True)
    assert "Withdraw your registration?" in confirm and "register again" in confirm
    assert f'action="{path}/withdraw"' in confirm and "Keep my registration" in confirm
    client.post(f"{path}/withdraw")
    assert "Your registration is withdrawn" in client.get(path).get_data(as_text=True)


def test_unmet_requests_name_people_and_advise_for_their_cause(app, small_event):
    from meetmatch import pair_rules

    event = small_event(rounds=2)
    ada, *others = event.attendees
    for other in others[:4]:  # four must-meets in two rounds: two cannot happen
        pair_rules.add_pair_rule(event, ada, other, PairRuleKind.MUST_MEET)
    version = engine_io.build_schedule(event, time_limit=2.0)
    rows = [p for p in review.summary(event, version)["problems"] if p.rule == "Requested meeting"]
    assert len(rows) >= 2
    ids = {str(a.id) for a in event.attendees}
    for row in rows:
        assert row.who.startswith("Ada Lovelace and ")
        assert not ids & set(re.findall(r"\d+", row.reason))  # names, never internal ids
        assert row.advice != "Check both people's rounds and rules, or add a round or tables."
    # a pair with nothing in common is told so, not sent to add tables
    chloe = next(r for r in rows if r.who.endswith("Chloe Martin"))
    assert chloe.reason == "Neither offers what the other needs." and "tables" not in chloe.advice


def test_migration_allows_cancelled_rules_and_the_downgrade_keeps_them_as_must_not_meet(make_app):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from meetmatch import pair_rules
    from meetmatch.accounts import set_organiser_password
    from meetmatch.events import create_event, generate_rounds
    from meetmatch.models import Attendee

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        from datetime import date, time

        organiser, _ = set_organiser_password("org@example.com", "correct horse battery")
        event = create_event(organiser, {"name": "E", "slug": "e", "topic_names": ["A"]},
                             generate_rounds(date(2026, 12, 1), time(9), 15, 5, 2))
        a, b = (Attendee(event=event, name=n, email=f"{n}@example.com") for n in ("ann", "bo"))
        db.session.add_all([a, b])
        db.session.commit()
        pair_rules.remember_cancellation(event, a.id, b.id)
        db.session.commit()
        db.session.remove()
        downgrade(revision="c4d5e6f7a8b9")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT kind FROM pair_rule")).scalars().all() == ["must_not_meet"]
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE pair_rule SET kind = 'cancelled'"))
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE pair_rule SET kind = 'cancelled'"))
        db.session.remove()


def test_mail_page_after_a_rebuild_says_who_has_an_earlier_schedule(app, client, login, published):
    """After a rebuild nobody has this version's full mail yet, but they are not without a
    schedule: the page says they have an earlier one instead of 'not sent'."""
    event, _, v2, base = _mailed_then_rebuilt(client, login, published)
    page = client.get(f"{base}/v/{v2.number}/mail").get_data(as_text=True)
    cells = re.findall(r"<tr><td>.*?<br>.*?</td>\s*<td>(.*?)</td>", page, re.S)
    assert cells and all("an earlier version" in cell for cell in cells)
    assert "not sent" not in page
    # Someone who never had a schedule still reads 'not sent'.
    db.session.add(Attendee(event=event, name="Late Comer", email="late@example.com",
                            offers_text="Coffee roasting.", needs_text="A bakery."))
    db.session.commit()
    page = client.get(f"{base}/v/{v2.number}/mail").get_data(as_text=True)
    assert page.count("not sent") == 1
