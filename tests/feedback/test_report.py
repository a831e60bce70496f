"""The outcome report: numbers that add up, charts, CSV, PDF; check-in; memory across events."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import xml.dom.minidom

from meetmatch import checkin, jobs, report, worker
from meetmatch.extensions import db
from meetmatch.models import MeetingFeedback
from meetmatch.outcomes import outcome_report
from meetmatch.schedules import engine_io


def _say(attendee, meeting, happened, gained=None, gave=None, follow_up=False):
    db.session.add(MeetingFeedback(event_id=attendee.event_id, meeting_id=meeting.id, attendee_id=attendee.id,
                                   partner_id=meeting.partner_of(attendee.id).id, happened=happened,
                                   gained=gained, gave=gave, follow_up=follow_up, note=""))


def _answered(seeded):
    """Ada–Ben two-way; Chloe–Dev one-way (Dev gained nothing); Eva–Femi a no-show; Ada–Chloe
    cancelled; Ben–Eva held, rated by Ben only; Dev–Femi unknown (no answers, both came);
    Ada–Dev: nobody answered and Dev... stays unknown too."""
    event, who, rows = seeded()
    _say(who["Ada"], rows[("Ada", "Ben")], "yes", 2, 1, True)
    _say(who["Ben"], rows[("Ada", "Ben")], "yes", 1, 2)
    _say(who["Chloe"], rows[("Chloe", "Dev")], "yes", 2, 0)
    _say(who["Dev"], rows[("Chloe", "Dev")], "yes", 0, 1)
    _say(who["Eva"], rows[("Eva", "Femi")], "no_show")
    _say(who["Ada"], rows[("Ada", "Chloe")], "cancelled")
    _say(who["Ben"], rows[("Ben", "Eva")], "yes", 1, 1)
    db.session.commit()
    return event, who, rows


def test_numbers_add_up_on_a_seeded_event(seeded):
    event, who, rows = _answered(seeded)
    r = outcome_report(event)
    assert r.scheduled == 7
    assert r.counts == {"held": 3, "no_show": 1, "cancelled": 1, "unknown": 2}
    assert sum(r.counts.values()) == r.scheduled
    assert r.benefit == {"two_way": 1, "one_way": 1, "neither": 0, "not_rated": 1}
    assert sum(r.benefit.values()) == r.counts["held"]
    assert r.two_way_share == 0.5
    assert r.kept_rate == 3 / 5 and r.no_show_rate == 1 / 5
    assert (r.responded, r.people_with_meetings) == (5, 6)  # Femi never answered
    assert r.follow_ups == 1
    assert r.meetings_per_attendee == 14 / 6
    assert r.gained_levels == [1, 2, 2] and r.gave_levels == [1, 3, 1]
    assert r.rounds == [(1, 3, 1), (2, 3, 0), (3, 1, 0)]
    assert [m.meeting.id for m in r.top] == [rows[("Ada", "Ben")].id]
    assert sorted(r.predicted_vs_realised) == [(0.8, 1.0), (0.9, 1.5)]
    seed = {g.name: g for g in r.by_topic}["Seed funding"]
    assert (seed.meetings, seed.held, seed.two_way) == (3, 2, 1)  # Ada–Ben, Ben–Eva, Eva–Femi


def test_a_no_show_at_check_in_counts_when_nobody_answered(seeded):
    event, who, rows = seeded()
    checkin.mark_absent(who["Femi"])
    r = outcome_report(event)
    assert r.counts == {"held": 0, "no_show": 2, "cancelled": 0, "unknown": 5}


def test_charts_are_valid_svg_with_one_bar_or_point_each(seeded):
    event, who, rows = _answered(seeded)
    charts = {c.name: c for c in report.report_charts(outcome_report(event))}

    def ids(chart):
        doc = xml.dom.minidom.parseString(str(chart.svg))
        assert doc.documentElement.tagName == "svg"
        assert not doc.getElementsByTagName("script")
        return doc, [g.getAttribute("id") for g in doc.getElementsByTagName("g")]

    _, found = ids(charts["outcomes"])
    assert sorted(i for i in found if i.startswith("bar-")) == ["bar-0", "bar-1", "bar-2", "bar-3"]
    assert charts["outcomes"].rows == [("held", 3), ("no-show", 1), ("cancelled", 1), ("unknown", 2)]
    _, found = ids(charts["gained-gave"])
    assert len([i for i in found if i.startswith("bar-")]) == 6
    doc, _ = ids(charts["predicted-realised"])
    [points] = [g for g in doc.getElementsByTagName("g") if g.getAttribute("id") == "points"]
    assert len(points.getElementsByTagName("use")) == 2
    _, found = ids(charts["no-shows-by-round"])
    assert len([i for i in found if i.startswith("bar-")]) == 3


def test_report_page_csv_and_pdf(app, client, seeded, login, tmp_path):
    event, who, rows = _answered(seeded)
    login()
    page = client.get(f"/organiser/events/{event.slug}/outcomes")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "3 / 1 / 1 / 2" in text and "≥ 2" in text and 'src="data:image/svg+xml;base64,' in text
    exported = list(csv.DictReader(io.StringIO(client.get(f"/organiser/events/{event.slug}/outcomes.csv")
                                               .get_data(as_text=True))))
    assert len(exported) == 14  # both people of each of the seven meetings
    ada_ben = [row for row in exported if row["person"] == "Ada Test" and row["met"] == "Ben Test"]
    assert ada_ben[0]["gained"] == "a lot" and ada_ben[0]["follow_up"] == "yes"
    assert client.get(f"/organiser/events/{event.slug}/outcomes.pdf").status_code == 202  # queued
    worker.register_handlers()
    assert jobs.run_next_job()
    pdf = client.get(f"/organiser/events/{event.slug}/outcomes.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)
    pdf.close()
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Outcome report" in text and event.name in text
    flat = re.sub(r"\s+", " ", text)
    assert re.search(r"Held / no-show / cancelled / unknown 3 ?/ ?1 ?/ ?1 ?/ ?2", flat)
    assert "Meetings scheduled 7" in flat and "Kept meetings (of those with a known outcome) 60%" in flat
    assert "Realised two-way share (both say they gained) 50%" in flat


def test_other_organisers_get_404(client, seeded, make_organiser, login):
    event, who, rows = seeded()
    make_organiser("other@example.com", "another good password")
    login("other@example.com", "another good password")
    for path in ("outcomes", "outcomes.csv", "outcomes.pdf", "checkin"):
        assert client.get(f"/organiser/events/{event.slug}/{path}").status_code == 404


def test_check_in_by_scan_name_and_absence(app, client, seeded, login):
    from meetmatch.qr import card_links

    event, who, rows = seeded()
    login()
    link = card_links([who["Ada"]])[who["Ada"].id]
    assert card_links([who["Ada"]])[who["Ada"].id] == link  # printing again: the same code
    response = client.post(f"/organiser/events/{event.slug}/checkin/scan", data={"scan": link})
    assert response.status_code == 303
    assert db.session.get(type(who["Ada"]), who["Ada"].id).checked_in_at is not None
    client.post(f"/organiser/events/{event.slug}/checkin/scan", data={"scan": "http://x/e/other/manage/abc"})
    page = client.get(f"/organiser/events/{event.slug}/checkin?q=ben").get_data(as_text=True)
    assert "Ben Test" in page and "Chloe Test" not in page
    client.post(f"/organiser/events/{event.slug}/checkin/{who['Ben'].id}/absent")
    assert db.session.get(type(who["Ben"]), who["Ben"].id).status == "no_show"  # the rebuild leaves him out
    assert checkin.checkin_counts(event).present == 1 and checkin.checkin_counts(event).absent == 1
    client.post(f"/organiser/events/{event.slug}/checkin/{who['Ben'].id}/present")
    assert db.session.get(type(who["Ben"]), who["Ben"].id).status == "registered"
    client.post(f"/organiser/events/{event.slug}/checkin/absent-rest")
    assert sorted(a.name for a in event.attendees if a.status == "no_show") == [
        "Chloe Test", "Dev Test", "Eva Test", "Femi Test"]  # Ada and Ben had checked in


def test_agenda_cards_carry_a_qr_code_of_the_private_link(app, client, seeded, login):
    event, who, rows = seeded()
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/1/print/agenda")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('class="qr"') == 6
    xml.dom.minidom.parseString(text[text.index("<svg"):text.index("</svg>") + 6])


def test_history_blocks_a_pair_that_met_before_and_says_why(app, seeded, make_event, make_attendee):
    from meetmatch.history import blocked_reasons

    first, who, rows = seeded()
    for r in first.rounds:  # the earlier event took place a year before
        r.starts_at = r.starts_at.replace(year=2025)
    db.session.commit()
    later = make_event(rounds=2, topics=("Seed funding", "UX design"))
    ada = make_attendee(later, name="Ada Again", email="ada@example.com", offers=("Seed funding",), needs=("UX design",))
    ben = make_attendee(later, name="Ben Again", email="ben@example.com", offers=("UX design",), needs=("Seed funding",))
    assert blocked_reasons(later, [ada, ben]) == {}  # the rule is off by default
    later.history_rule = "on"
    db.session.commit()
    reasons = blocked_reasons(later, [ada, ben])
    key = tuple(sorted((ada.id, ben.id)))
    assert list(reasons) == [key]
    assert reasons[key].startswith(f"they met at {first.name} on 2025-")
    problem = engine_io.problem_from_event(later).problem
    assert [tuple(sorted(map(int, p))) for p in problem.blocked_pairs] == [key]
    later.history_rule = "not_useful"  # they did not rate it: not blocked
    db.session.commit()
    assert blocked_reasons(later, [ada, ben]) == {}
    _say(who["Ben"], rows[("Ada", "Ben")], "yes", 0)
    db.session.commit()
    assert "gave them nothing" in blocked_reasons(later, [ada, ben])[key]


def test_returning_attendees_are_counted(app, seeded, make_event, make_attendee, make_organiser):
    from meetmatch.history import returning_count

    first, who, rows = seeded()
    for r in first.rounds:
        r.starts_at = r.starts_at.replace(year=2025)
    later = make_event(rounds=2, organiser=first.organiser)
    make_attendee(later, email="ada@example.com")
    make_attendee(later, email="new@example.com")
    assert returning_count(later) == 1
    other_organiser_event = make_event(rounds=2, organiser=make_organiser("other@example.com"))
    make_attendee(other_organiser_event, email="ada@example.com")
    assert returning_count(other_organiser_event) == 0


def test_organiser_pages_show_returning_people_past_meetings_and_why_blocked(app, client, seeded, make_event,
                                                                            make_attendee, login):
    first, who, rows = _answered(seeded)
    for r in first.rounds:
        r.starts_at = r.starts_at.replace(year=2025)
    db.session.commit()
    later = make_event(rounds=2, organiser=first.organiser)
    later.history_rule = "on"
    ada = make_attendee(later, name="Ada Again", email="ada@example.com")
    make_attendee(later, name="Ben Again", email="ben@example.com")
    make_attendee(later, name="Newcomer", email="new@example.com")
    login()
    registrations = client.get(f"/organiser/events/{later.slug}").get_data(as_text=True)
    assert re.search(r'<div class="num">2</div>returning', registrations)
    page = client.get(f"/organiser/events/{later.slug}/attendees/{ada.id}").get_data(as_text=True)
    assert f"{first.name} (" in page and "Ben Test" in page and "gained: a lot" in page
    assert "Ben Again: they met at " + first.name in page
    old_page = client.get(f"/organiser/events/{first.slug}/attendees/{who['Ada'].id}").get_data(as_text=True)
    assert "the other did not come" not in old_page and "cancelled" in old_page  # Ada's own answers


def test_people_without_meetings_lower_the_meetings_per_attendee(seeded, make_attendee):
    event, who, rows = seeded()
    make_attendee(event, name="Nobody Matched")
    assert outcome_report(event).meetings_per_attendee == 14 / 7


def test_figures_to_keep_after_erasure_hold_no_personal_data(seeded):
    from meetmatch.outcomes import outcome_figures

    event, who, rows = _answered(seeded)
    figures = outcome_figures(event)
    assert figures["scheduled"] == 7 and figures["held"] == 3 and figures["two_way_share"] == 0.5
    assert not any("@" in str(v) or "Test" in str(v) for v in figures.values())


def test_a_rebuild_says_why_it_dropped_a_pair_that_met_before(app, seeded):
    first, _, _ = seeded()
    for r in first.rounds:
        r.starts_at = r.starts_at.replace(year=2025)
    later, who, rows = seeded()  # the same people again, at the organiser's next event
    assert later.organiser_id == first.organiser_id
    later.history_rule = "on"
    db.session.commit()
    inputs = engine_io.problem_from_event(later, held_rounds=0, based_on=rows[("Ada", "Ben")].version)
    assert any(f"Ada Test and Ben Test are not paired again: they met at {first.name} on 2025-" in note
               for note in inputs.notes), inputs.notes


def test_a_trio_is_a_meeting_of_each_of_its_three_pairs_in_the_report_and_the_history(
        app, seeded, make_event, make_attendee):
    """A table of three counts (and is rated, and is remembered across events) as its three
    pairs, each once."""
    from meetmatch.history import past_meetings

    first, who, rows = seeded(meetings=[(1, 1, "Ada", "Ben", 0.9), (2, 1, "Chloe", "Dev", 0.8)])
    rows[("Ada", "Ben")].attendee_c_id = who["Eva"].id
    for r in first.rounds:
        r.starts_at = r.starts_at.replace(year=2025)
    db.session.commit()
    _say(who["Eva"], rows[("Ada", "Ben")], "yes", 2, 1)  # partner_of: the meeting's first person
    db.session.commit()
    report = outcome_report(first)
    assert [(o.a.name, o.b.name, o.outcome) for o in report.meetings] == [
        ("Ada Test", "Ben Test", "unknown"), ("Ada Test", "Eva Test", "held"),
        ("Ben Test", "Eva Test", "unknown"), ("Chloe Test", "Dev Test", "unknown")]
    later = make_event(rounds=2, organiser=first.organiser)
    make_attendee(later, email="ada@example.com")
    assert [(p.name_a, p.name_b, p.gained_b) for p in past_meetings(later)] == [
        ("Ada Test", "Ben Test", None), ("Ada Test", "Eva Test", 2), ("Ben Test", "Eva Test", None),
        ("Chloe Test", "Dev Test", None)]
