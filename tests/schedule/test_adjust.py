"""Hand adjustments: each is checked against the hard rules before it is saved."""

from __future__ import annotations

import pytest

from meetmatch.extensions import db
from meetmatch.models import PairRule, PairRuleKind
from meetmatch.schedules import adjust, engine_io, versions


@pytest.fixture
def draft(small_event):
    event = small_event(num_tables=6)
    return event, engine_io.build_schedule(event, time_limit=2)


def _flash(response) -> str:
    return response.get_data(as_text=True)


def _free_pair(version, event, round_number):
    busy = {x for m in version.meetings if m.round_number == round_number
            for x in (m.attendee_a_id, m.attendee_b_id)}
    met = {frozenset((m.attendee_a_id, m.attendee_b_id)) for m in version.meetings}
    free = [a for a in event.attendees if a.id not in busy]
    for a in free:
        for b in free:
            if a.id < b.id and frozenset((a.id, b.id)) not in met:
                return a, b
    return None


def test_cancel_move_and_add_through_the_pages(app, client, login, draft):
    event, version = draft
    login()
    base = f"/organiser/events/{event.slug}/schedule/v/{version.number}"
    page = client.get(f"{base}/adjust").get_data(as_text=True)
    assert "Add a meeting" in page and "Cancel meeting" in page
    m = version.meetings[0]
    a, b = m.attendee_a, m.attendee_b
    response = client.post(f"{base}/meetings/{m.id}/cancel", follow_redirects=True)
    assert f"Cancelled the meeting of {a.name} and {b.name}" in _flash(response)
    db.session.expire_all()
    assert all({x.attendee_a_id, x.attendee_b_id} != {a.id, b.id} for x in version.meetings)
    # now a and b are free in that round: add them back at a free table
    used = {x.table_number for x in version.meetings if x.round_number == m.round_number}
    table = min(set(range(1, 7)) - used)
    response = client.post(f"{base}/meetings/add", data={
        "attendee_a": a.id, "attendee_b": b.id, "round_number": m.round_number, "table_number": table},
        follow_redirects=True)
    assert f"Added {a.name} and {b.name}" in _flash(response)
    db.session.expire_all()
    added = next(x for x in version.meetings if {x.attendee_a_id, x.attendee_b_id} == {a.id, b.id})
    assert added.table_number == table and added.why
    # move it onto a table already in use: refused with a clear message
    other = next(x for x in version.meetings if x.round_number == added.round_number and x is not added)
    response = client.post(f"{base}/meetings/{added.id}/move", data={
        "round_number": added.round_number, "table_number": other.table_number}, follow_redirects=True)
    assert "Not changed" in _flash(response) and "already used in round" in _flash(response)
    db.session.refresh(added)
    assert added.table_number == table


def test_rules_refuse_double_booking_blocks_availability_and_tables(app, draft):
    event, version = draft
    m1 = next(m for m in version.meetings if m.round_number == 1)
    m2 = next(m for m in version.meetings if m.round_number == 2 and
              m.attendee_a_id not in (m1.attendee_a_id, m1.attendee_b_id) and
              m.attendee_b_id not in (m1.attendee_a_id, m1.attendee_b_id))
    with pytest.raises(adjust.AdjustmentRefused, match="double booking"):
        adjust.move_meeting(version, m2, 1, 6 if m1.table_number != 6 else 5)
    with pytest.raises(adjust.AdjustmentRefused, match="does not exist"):
        adjust.move_meeting(version, m1, 1, 7)
    a = m1.attendee_a
    a.available_rounds = "1,2"
    db.session.commit()
    with pytest.raises(adjust.AdjustmentRefused, match="not available in round 4"):
        adjust.move_meeting(version, m1, 4, 6)
    adjust.cancel_meeting(version, m1)
    a2, b2 = m1.attendee_a, m1.attendee_b
    db.session.add(PairRule(event_id=event.id, attendee_a_id=a2.id, attendee_b_id=b2.id,
                            kind=PairRuleKind.MUST_NOT_MEET))
    db.session.commit()
    with pytest.raises(adjust.AdjustmentRefused, match="must not meet"):
        adjust.add_meeting(version, a2, b2, 1, 6)
    with pytest.raises(adjust.AdjustmentRefused, match="two different people"):
        adjust.add_meeting(version, a2, a2, 1, 6)
    versions.publish_version(version)
    with pytest.raises(adjust.AdjustmentRefused, match="never change"):
        adjust.cancel_meeting(version, version.meetings[0])
    copy = versions.copy_to_draft(version)
    assert copy.status == "draft" and len(copy.meetings) == len(version.meetings)


def test_same_organisation_and_host_tables(app, small_event):
    event = small_event(num_tables=6)
    ada, ben, chloe = event.attendees[:3]
    ben.organisation = ada.organisation
    chloe.host_table = 2
    db.session.commit()
    version = engine_io.build_schedule(event, time_limit=2)
    assert all(m.table_number == 2 for m in version.meetings if chloe.id in (m.attendee_a_id, m.attendee_b_id))
    for m in list(version.meetings):
        if m.round_number == 1 and ({m.attendee_a_id, m.attendee_b_id} & {ada.id, ben.id}):
            adjust.cancel_meeting(version, m)
    with pytest.raises(adjust.AdjustmentRefused, match="same organisation"):
        adjust.add_meeting(version, ada, ben, 1, 6)
    chloe_meeting = next((m for m in version.meetings if chloe.id in (m.attendee_a_id, m.attendee_b_id)), None)
    if chloe_meeting is not None:
        with pytest.raises(adjust.AdjustmentRefused, match="host table"):
            adjust.move_meeting(version, chloe_meeting, chloe_meeting.round_number, 5)
