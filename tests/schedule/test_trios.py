"""Trios in the app: built and saved with a third person, on the organiser's pages, printouts,
mail (real SMTP on loopback) with calendar files, hand adjustments, rebuilds, feedback,
exports and the outcome report."""

from __future__ import annotations

import csv
import io

import icalendar
import pytest

from meetmatch.extensions import db
from meetmatch.models import MeetingFeedback, SavedMeeting
from meetmatch.outcomes import outcome_report
from meetmatch.schedules import adjust, engine_io, review, versions
from meetmatch.worker import work_once

from ..feedback.conftest import answer, token_of

ALL = ("Seed funding", "UX design", "Mentoring", "Recruiting")
# Seven people who all offer and need everything: every pair is worth a meeting, and with
# seven people one sits out each round unless trios are allowed.
SEVEN = [(name, f"{name} AB", ALL, ALL)
         for name in ("Ada", "Ben", "Chloe", "Dev", "Eva", "Femi", "Greta")]


@pytest.fixture
def app_config(app_config, smtp_server):
    return app_config | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port,
                         "PUBLIC_BASE_URL": "https://meet.example.org"}


@pytest.fixture
def trio_event(small_event):
    def _make(allow_trios=True, rounds=2):
        return small_event(people=SEVEN, rounds=rounds, allow_trios=allow_trios)
    return _make


def _trios(version):
    return [m for m in version.meetings if m.attendee_c_id is not None]


def _build(event, **kw):
    version = engine_io.build_schedule(event, time_limit=2.0, **kw)
    db.session.refresh(version)
    return version


def test_a_build_seats_the_person_who_would_sit_out(app, client, login, trio_event):
    event = trio_event()
    version = _build(event)
    trios = _trios(version)
    assert len(trios) == 2  # one per round: 7 = 2 pairs + 1 trio
    assert all(rv.sitting_out == [] for rv in review.by_round(event, version))
    for m in trios:
        assert len({m.attendee_a_id, m.attendee_b_id, m.attendee_c_id}) == 3
        assert m.reason is not None and len(m.reason["trio"]) == 2
    # No pair meets twice, trios included.
    pairs = [frozenset(p) for m in version.meetings for p in
             ([(m.attendee_a_id, m.attendee_b_id)] if m.attendee_c_id is None else
              [(m.attendee_a_id, m.attendee_b_id), (m.attendee_a_id, m.attendee_c_id),
               (m.attendee_b_id, m.attendee_c_id)])]
    assert len(pairs) == len(set(pairs))
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{version.number}"
    page = client.get(base).get_data(as_text=True)
    for m in trios:
        assert f"and {m.attendee_c.name}" in page
        assert review.reason_for(m) in page.replace("&#39;", "'")
    assert "Sitting out" not in page
    people = client.get(f"{base}/attendees").get_data(as_text=True)
    third = trios[0].attendee_c
    section = people.split(f'id="person-{third.id}"')[1].split("</section>")[0]
    assert trios[0].attendee_a.name in section and trios[0].attendee_b.name in section
    assert "sits out" not in section


def test_trios_are_off_by_default(app, trio_event):
    event = trio_event(allow_trios=False)
    assert event.allow_trios is False
    version = _build(event)
    assert _trios(version) == []
    assert all(len(rv.sitting_out) == 1 for rv in review.by_round(event, version))


def test_the_setting_is_in_the_event_form_with_its_help(app, client, login, trio_event):
    event = trio_event()
    login()
    page = client.get(f"/organiser/events/{event.slug}/edit").get_data(as_text=True)
    [tag] = [t for t in page.split("<input")[1:] if 'name="allow_trios"' in t.split(">")[0]]
    assert "checked" in tag.split(">")[0]
    assert "may join a table as a third person" in page


def test_print_pages_show_the_third_person(app, client, login, trio_event):
    event = trio_event()
    version = _build(event)
    versions.publish_version(version)
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{version.number}/print"
    trio = _trios(version)[0]
    a, b, c = trio.attendee_a, trio.attendee_b, trio.attendee_c
    master = client.get(f"{base}/master").get_data(as_text=True)
    assert f"and {c.name} ({c.organisation})" in master
    tables = client.get(f"{base}/tables").get_data(as_text=True)
    assert f"{a.name} &amp; {b.name} &amp; {c.name}" in tables
    cards = client.get(f"{base}/agenda").get_data(as_text=True)
    assert f"{a.name} ({a.organisation}) and {b.name} ({b.organisation})" in cards


def test_mail_names_both_others_with_reasons_and_a_calendar_of_three(app, client, login,
                                                                     trio_event, smtp):
    event = trio_event()
    version = _build(event)
    versions.publish_version(version)
    login()
    response = client.post(f"/organiser/events/{event.slug}/schedule/v/{version.number}/send")
    assert response.status_code == 302
    work_once()
    trio = _trios(version)[0]
    c = trio.attendee_c
    [message] = smtp.to(c.email)
    text = " ".join(message.get_body(("plain",)).get_content().split())
    assert trio.attendee_a.name in text and trio.attendee_b.name in text
    own = review.reason_for(trio, c.id)  # both reasons, in the second person
    first_a, first_b = trio.attendee_a.name.split()[0], trio.attendee_b.name.split()[0]
    assert own in text and f"You can help {first_a}" in own and f"You can help {first_b}" in own
    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    [entry] = [v for v in calendar.walk("VEVENT")
               if v.decoded("dtstart").hour == review.rounds_of(event)[trio.round_number].starts_at.hour
               and v.decoded("dtstart").minute == review.rounds_of(event)[
                   trio.round_number].starts_at.minute]
    attendees = entry.get("attendee")
    emails = sorted(str(x).removeprefix("mailto:") for x in attendees)
    assert emails == sorted(p.email for p in trio.people)
    assert {x.params["CN"] for x in attendees} == {p.name for p in trio.people}
    assert trio.attendee_a.name in str(entry["summary"]) and trio.attendee_b.name in str(
        entry["summary"])
    # The private link in the mail opens the person's page with the table of three on it.
    import re

    link = re.search(r"https://meet\.example\.org(/e/\S+/manage/\S+)", text).group(1)
    page = client.get(link).get_data(as_text=True).replace("&#39;", "'")
    assert f"{trio.attendee_a.name} ({trio.attendee_a.organisation}) and" in page
    assert own in page


def test_hand_adjustments_remove_and_add_a_third_person(app, client, login, trio_event):
    event = trio_event()
    version = _build(event)
    trio = _trios(version)[0]
    a, b, c = trio.attendee_a, trio.attendee_b, trio.attendee_c
    round_number, table = trio.round_number, trio.table_number
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{version.number}"
    assert f"Remove {c.name}" in client.get(f"{base}/adjust").get_data(as_text=True)
    response = client.post(f"{base}/meetings/{trio.id}/remove/{a.id}", follow_redirects=True)
    assert f"{a.name} left the table" in response.get_data(as_text=True)
    db.session.refresh(trio)
    assert {trio.attendee_a_id, trio.attendee_b_id} == {b.id, c.id} and trio.attendee_c_id is None
    assert "trio" not in trio.reason and trio.reason["a"] in (str(b.id), str(c.id))
    pair_score = trio.score
    assert pair_score > 0
    # a is free again in that round and can join the table as its third person.
    response = client.post(f"{base}/meetings/add-third", data={
        "attendee": a.id, "round_number": round_number, "table_number": table},
        follow_redirects=True)
    assert f"{a.name} joins" in response.get_data(as_text=True)
    db.session.refresh(trio)
    assert trio.attendee_c_id == a.id and len(trio.reason["trio"]) == 2
    # Another person may not join: already three, and nobody sits at a repeated pair.
    other = next(p for p in event.attendees if p.id not in trio.people_ids)
    with pytest.raises(adjust.AdjustmentRefused, match="already has three people"):
        adjust.add_third_person(version, other, round_number, table)


def test_a_third_person_is_refused_while_the_event_allows_no_trios(app, trio_event):
    event = trio_event(allow_trios=False)
    version = _build(event)
    [free] = review.by_round(event, version)[0].sitting_out
    meeting = next(m for m in version.meetings if m.round_number == 1)
    with pytest.raises(adjust.AdjustmentRefused, match="no tables of three"):
        adjust.add_third_person(version, free, 1, meeting.table_number)
    db.session.refresh(meeting)
    assert meeting.attendee_c_id is None


def test_a_rebuild_keeps_a_held_trio_and_never_repeats_its_pairs(app, trio_event):
    event = trio_event(rounds=3)
    v1 = _build(event)
    versions.publish_version(v1)
    held = [m for m in _trios(v1) if m.round_number == 1]
    assert held
    v2 = _build(event, held_rounds=1, based_on=v1)
    again = [m for m in v2.meetings if m.round_number == 1 and m.attendee_c_id is not None]
    assert sorted(m.people_ids for m in again) == sorted(m.people_ids for m in held)
    pairs = [frozenset(p) for m in v2.meetings for k, x in enumerate(m.people_ids)
             for p in [(x, y) for y in m.people_ids[k + 1:]]]
    assert len(pairs) == len(set(pairs))


def test_feedback_rates_each_partner_and_the_report_counts_each_pair(app, client, trio_event):
    event = trio_event()
    version = _build(event)
    versions.publish_version(version)
    event.feedback_requested_at = db.func.now()
    db.session.commit()
    trio = _trios(version)[0]
    c, a, b = trio.attendee_c, trio.attendee_a, trio.attendee_b
    token = token_of(c)
    page = client.get(f"/e/{event.slug}/manage/{token}/feedback").get_data(as_text=True)
    assert f"happened-{trio.id}_{a.id}" in page and f"happened-{trio.id}_{b.id}" in page
    response = answer(client, event, token, {
        f"happened-{trio.id}_{a.id}": "yes", f"gained-{trio.id}_{a.id}": "2",
        f"happened-{trio.id}_{b.id}": "yes", f"gained-{trio.id}_{b.id}": "0"})
    assert response.status_code == 303
    rows = db.session.execute(db.select(MeetingFeedback).filter_by(
        attendee_id=c.id, meeting_id=trio.id)).scalars().all()
    assert {(f.partner_id, f.gained) for f in rows} == {(a.id, 2), (b.id, 0)}
    report = outcome_report(event)
    pairs = [1 if m.attendee_c_id is None else 3 for m in version.meetings]
    assert report.scheduled == sum(pairs)
    held = [o for o in report.meetings if o.meeting.id == trio.id and o.outcome == "held"]
    assert {frozenset((o.a.id, o.b.id)) for o in held} == {frozenset((a.id, c.id)),
                                                          frozenset((b.id, c.id))}


def test_exports_have_the_third_person(app, client, login, trio_event):
    event = trio_event()
    version = _build(event)
    login()
    data = client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}/meetings.csv")
    rows = list(csv.reader(io.StringIO(data.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][-3:] == ["Third person", "Third person's organisation", "Third person's email"]
    trio = _trios(version)[0]
    row = next(r for r in rows[1:] if r[-1] == trio.attendee_c.email)
    assert row[4] == trio.attendee_a.name and row[7] == trio.attendee_b.name
    assert row[-3] == trio.attendee_c.name
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(
        f"/organiser/events/{event.slug}/schedule/v/{version.number}/meetings.xlsx").data))
    sheet = book["All meetings"]
    head = [c.value for c in sheet[1]]
    assert head[-3:] == ["Third person", "Third person's organisation", "Third person's email"]
    assert trio.attendee_c.email in [r[-1] for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_erasing_the_third_person_keeps_the_pairs_meeting(app, trio_event):
    from meetmatch.privacy import erase_attendee

    event = trio_event()
    version = _build(event)
    trio = _trios(version)[0]
    meeting_id, c = trio.id, trio.attendee_c
    erase_attendee(c)
    db.session.expire_all()
    kept = db.session.get(SavedMeeting, meeting_id)
    assert kept is not None and kept.attendee_c_id is None


def test_cancelling_a_trio_remembers_all_three_pairs_and_the_summary_counts_trios(
        app, client, login, trio_event):
    from meetmatch.models import PairRule, PairRuleKind

    event = trio_event()
    version = _build(event)
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{version.number}"
    summary = client.get(base).get_data(as_text=True)
    assert 'id="trios"' in summary and "tables of three instead of sitting out" in summary
    trio = _trios(version)[0]
    names = [p.name for p in trio.people]
    page = client.get(f"{base}/meetings/{trio.id}/cancel").get_data(as_text=True)
    assert f"{names[0]}, {names[1]} and {names[2]}" in page
    response = client.post(f"{base}/meetings/{trio.id}/cancel", follow_redirects=True)
    assert f"Cancelled the meeting of {names[0]}, {names[1]} and {names[2]}" in response.get_data(
        as_text=True)
    rules = db.session.execute(db.select(PairRule).filter_by(
        event_id=event.id, kind=PairRuleKind.CANCELLED)).scalars().all()
    assert {frozenset((r.attendee_a_id, r.attendee_b_id)) for r in rules} == {
        frozenset(p) for p in [(trio.attendee_a_id, trio.attendee_b_id),
                               (trio.attendee_a_id, trio.attendee_c_id),
                               (trio.attendee_b_id, trio.attendee_c_id)]}


def test_taking_someone_out_of_a_trio_updates_every_calendar_of_the_table(
        app, client, login, trio_event, smtp):
    event = trio_event()
    v1 = _build(event)
    versions.publish_version(v1)
    login()
    base = f"/organiser/events/{event.slug}/schedule"
    client.post(f"{base}/v/{v1.number}/send")
    work_once()
    trio = _trios(v1)[0]
    a, b, c = trio.attendee_a, trio.attendee_b, trio.attendee_c
    trio_uid = review.meeting_uid(event, a.id, b.id, c.id) + "@meetmatch"
    draft = versions.copy_to_draft(v1)
    copy = next(m for m in draft.meetings if m.attendee_c_id == c.id)
    adjust.remove_from_table(draft, copy, c.id)
    client.post(f"{base}/v/{draft.number}/publish")
    smtp.received.clear()
    client.post(f"{base}/v/{draft.number}/send-updates")
    work_once()
    to = {m["To"].addresses[0].addr_spec: m for m in smtp.received}
    assert set(to) == {a.email, b.email, c.email}  # only the table's people changed

    def calendar(message, name):
        [part] = [p for p in message.iter_attachments() if p.get_filename() == name]
        return {str(e["UID"]) for e in icalendar.Calendar.from_ical(
            part.get_payload(decode=True)).walk("VEVENT")}
    for person in (a, b, c):  # the table of three leaves every calendar
        assert trio_uid in calendar(to[person.email], "cancelled.ics")
    pair_uid = review.meeting_uid(event, a.id, b.id) + "@meetmatch"
    assert pair_uid in calendar(to[a.email], "schedule.ics")
    assert pair_uid in calendar(to[b.email], "schedule.ics")


# Debian's WeasyPrint warns when HarfBuzz-Subset is missing; the PDF is made all the same.
@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")
@pytest.mark.one_db  # what the PDFs print
@pytest.mark.parametrize("kind", ["master", "tables", "agenda"])
def test_the_pdfs_name_the_third_person(app, client, login, trio_event, tmp_path, kind):
    from pypdf import PdfReader

    app.config["PDF_DIR"] = str(tmp_path / "pdf")
    event = trio_event()
    version = _build(event)
    versions.publish_version(version)
    login()
    url = f"/organiser/events/{event.slug}/schedule/v/{version.number}/print/{kind}.pdf"
    first = client.get(url)
    assert first.status_code == 303
    client.get(first.headers["Location"])
    work_once()
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    response.close()
    for m in _trios(version):
        assert all(p.name in text for p in m.people)
    if kind == "master":
        c = _trios(version)[0].attendee_c
        assert f"and {c.name}" in text
