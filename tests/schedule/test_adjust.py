"""Hand adjustments: each is checked against the hard rules before it is saved."""

from __future__ import annotations

import pytest

from meetmatch import pair_rules
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
    # the cancellation is remembered as the pair's rule; a must-not-meet rule replaces it
    assert [r.kind for r in db.session.query(PairRule).filter_by(event_id=event.id)] == [PairRuleKind.CANCELLED]
    pair_rules.add_pair_rule(event, a2, b2, PairRuleKind.MUST_NOT_MEET)
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


def test_hand_edits_follow_the_rulebook_for_held_rounds_and_score_zero_pairs(
        app, published, make_attendee):
    """The rules a rebuild applies hold for hand edits too: nothing new in a held round, and
    a pair with nothing to offer each other is not added."""
    event, v1 = published(num_tables=6)
    v2 = engine_io.build_schedule(event, time_limit=2, held_rounds=2, based_on=v1)
    draft = versions.copy_to_draft(v2)
    assert draft.held_rounds == 2
    held = next(m for m in draft.meetings if m.round_number == 1)
    with pytest.raises(adjust.AdjustmentRefused, match="Round 1 has already been held"):
        adjust.move_meeting(draft, held, 1, 6 if held.table_number != 6 else 5)
    later = next(m for m in draft.meetings if m.round_number == 3)
    with pytest.raises(adjust.AdjustmentRefused, match="Round 2 has already been held"):
        adjust.move_meeting(draft, later, 2, 6)
    a, table = later.attendee_a, later.table_number
    adjust.cancel_meeting(draft, later)
    baker = make_attendee(event, name="Sam Baker", offers_text="Sourdough baking",
                          needs_text="a sailing crew")
    with pytest.raises(adjust.AdjustmentRefused, match="nothing to offer each other"):
        adjust.add_meeting(draft, a, baker, 3, table)


def _new_pair_in_round_one(version):
    """Two round-1 meetings whose people include a pair with something to gain that never
    meets in ``version``."""
    met = {frozenset((m.attendee_a_id, m.attendee_b_id)) for m in version.meetings}
    first = [m for m in version.meetings if m.round_number == 1]
    for m1 in first:
        for m2 in first:
            for a in (m1.attendee_a, m1.attendee_b):
                for b in (m2.attendee_a, m2.attendee_b):
                    gains = ({t.id for t in a.offers} & {t.id for t in b.needs}
                             or {t.id for t in b.offers} & {t.id for t in a.needs})
                    if m1 is not m2 and gains and frozenset((a.id, b.id)) not in met:
                        return m1, m2, a, b
    raise AssertionError("every pair meets")


def test_adding_a_meeting_scores_one_pair_not_the_event(app, client, login, draft, monkeypatch):
    """A meeting cancelled from a copy and added back keeps its stored score and reason (from
    the version the copy was made of); a new pair is scored from the two profiles alone; and if
    scoring fails the meeting is still added (no 500)."""
    from meetmatch.schedules import adjust as adjust_module

    event, version = draft
    sizes = []
    real_score_event = adjust_module.score_event

    def counting(problem, *args, **kwargs):
        sizes.append(len(problem.attendees))
        return real_score_event(problem, *args, **kwargs)

    monkeypatch.setattr(adjust_module, "score_event", counting)
    version = versions.copy_to_draft(version)  # cancelled meetings are still in its base
    m = version.meetings[0]
    a, b, r, t, score, why = (m.attendee_a, m.attendee_b, m.round_number, m.table_number,
                              m.score, m.why)
    adjust.cancel_meeting(version, m)
    again = adjust.add_meeting(version, a, b, r, t)
    assert (again.score, again.why) == (score, why) and sizes == []
    m1, m2, a, b = _new_pair_in_round_one(version)
    table = m1.table_number
    adjust.cancel_meeting(version, m1)
    adjust.cancel_meeting(version, m2)
    added = adjust.add_meeting(version, a, b, 1, table)
    assert sizes == [2] and added.why and added.reason["a"] == str(a.id)  # a reason to phrase
    # scoring that breaks: the organiser still gets the meeting, with a plain reason
    adjust.cancel_meeting(version, added)

    def broken(*args, **kwargs):
        raise RuntimeError("no scorer today")

    monkeypatch.setattr(adjust_module, "score_event", broken)
    login()
    response = client.post(f"/organiser/events/{event.slug}/schedule/v/{version.number}/meetings/add",
                           data={"attendee_a": a.id, "attendee_b": b.id, "round_number": 1,
                                 "table_number": table}, follow_redirects=True)
    assert response.status_code == 200 and f"Added {a.name} and {b.name}" in _flash(response)
    db.session.expire_all()
    [saved] = [x for x in version.meetings if {x.attendee_a_id, x.attendee_b_id} == {a.id, b.id}]
    assert saved.why == adjust.ADDED_BY_HAND and saved.table_number == table


def test_every_picker_of_the_adjust_page_lists_the_active_people_by_name(app, client, login,
                                                                         draft):
    """The two people of a new meeting and a table's third person are chosen from the same
    list: active attendees by name, with their organisation; a withdrawn one is not offered."""
    import re

    event, version = draft
    event.allow_trios = True
    gone = next(a for a in event.attendees if a.name == "Dev Patel")
    gone.status = "withdrawn"
    db.session.commit()
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}/adjust")
    pickers = re.findall(r'<select id="(\w+)"[^>]*>(.*?)</select>', page.get_data(as_text=True))
    expected = [f"{a.name} ({a.organisation})" for a in sorted(
        (a for a in event.attendees if a is not gone), key=lambda a: a.name.casefold())]
    assert [name for name, _ in pickers] == ["attendee_a", "attendee_b", "attendee"]
    for _, options in pickers:
        assert re.findall(r"<option [^>]*>([^<]*)</option>", options) == expected
