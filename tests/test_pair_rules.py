"""Meeting rules: an organiser sets "must meet" / "must not meet" on an attendee's page."""

from __future__ import annotations

import re

import pytest

from meetmatch import pair_rules
from meetmatch.extensions import db
from meetmatch.models import PairRule, PairRuleKind
from meetmatch.schedules.engine_io import build_schedule


@pytest.fixture
def people(make_event, make_attendee):
    """An event with Ada, Ben, Chloe and Dev (different organisations); returns (event, dict)."""

    def _make(rounds=4, **overrides):
        event = make_event(rounds=rounds, **overrides)
        spec = [("Ada Lovelace", ("Seed funding",), ("UX design",)),
                ("Ben Okafor", ("UX design",), ("Seed funding",)),
                ("Chloe Martin", ("UX design",), ("Mentoring",)),
                ("Dev Patel", ("Mentoring",), ("UX design",))]
        made = {name.split()[0]: make_attendee(event, name=name, organisation=f"Org {name}",
                                               offers=offers, needs=needs)
                for name, offers, needs in spec}
        return event, made

    return _make


def _page(client, event, person) -> str:
    return client.get(f"/organiser/events/{event.slug}/attendees/{person.id}").get_data(as_text=True)


def _add(client, event, person, other_id, kind="must_meet"):
    return client.post(f"/organiser/events/{event.slug}/attendees/{person.id}/rules",
                       data={"rule-other": str(other_id), "rule-kind": kind})


def _rules():
    db.session.expire_all()
    return db.session.execute(db.select(PairRule).order_by(PairRule.id)).scalars().all()


def _lists(section: str, kind: str, other) -> bool:
    """The rules list shows the kind and a link to the other attendee's page."""
    link = rf'<a href="/organiser/events/[^"]+/attendees/{other.id}">{re.escape(other.name)}</a>'
    return re.search(rf"{kind}</strong>\s*{link}", section) is not None


def _rules_section(page: str) -> str:
    return page[page.index('id="meeting-rules"'):]


def test_add_must_meet_and_must_not_meet_listed_on_both_pages(client, login, people):
    event, p = people()
    login()
    page = _page(client, event, p["Ada"])
    section = _rules_section(page)
    assert "Meeting rules" in page and "next build or rebuild" in section
    assert "No meeting rules for Ada Lovelace." in section
    # the picker: other registered attendees, sorted by name, never Ada herself
    options = re.findall(r'<option[^>]*>([^<]*)</option>', section)
    names = [o for o in options if not o.startswith("Must")]
    assert names == ["Ben Okafor (Org Ben Okafor)", "Chloe Martin (Org Chloe Martin)",
                     "Dev Patel (Org Dev Patel)"]

    response = _add(client, event, p["Ada"], p["Ben"].id, "must_meet")
    assert response.status_code == 302
    response = _add(client, event, p["Ada"], p["Dev"].id, "must_not_meet")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ada Lovelace and Dev Patel must not meet." in page and "next build or rebuild" in page
    section = _rules_section(page)
    assert _lists(section, "Must meet", p["Ben"])
    assert _lists(section, "Must not meet", p["Dev"])
    for other, kind in (("Ben", "Must meet"), ("Dev", "Must not meet")):
        assert _lists(_rules_section(_page(client, event, p[other])), kind, p["Ada"])
    assert "No meeting rules for Chloe Martin." in _rules_section(_page(client, event, p["Chloe"]))
    stored = {(r.attendee_a_id, r.attendee_b_id, r.kind) for r in _rules()}
    assert stored == {(min(p["Ada"].id, p["Ben"].id), max(p["Ada"].id, p["Ben"].id), PairRuleKind.MUST_MEET),
                      (min(p["Ada"].id, p["Dev"].id), max(p["Ada"].id, p["Dev"].id), PairRuleKind.MUST_NOT_MEET)}
    # the registrations page counts them
    listing = client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)
    assert "Meeting rules: 1 must meet, 1 must not meet." in listing


def test_reverse_order_is_the_same_rule_and_a_new_kind_replaces_it(client, login, people):
    event, p = people()
    login()
    _add(client, event, p["Ben"], p["Ada"].id, "must_meet")
    _add(client, event, p["Ada"], p["Ben"].id, "must_meet")
    assert len(_rules()) == 1
    _add(client, event, p["Ada"], p["Ben"].id, "must_not_meet")
    rules = _rules()
    assert len(rules) == 1 and rules[0].kind == PairRuleKind.MUST_NOT_MEET
    assert (rules[0].attendee_a_id, rules[0].attendee_b_id) == tuple(sorted((p["Ada"].id, p["Ben"].id)))
    section = _rules_section(_page(client, event, p["Ben"]))
    assert "Must not meet</strong>" in section and "Must meet</strong>" not in section
    _add(client, event, p["Ben"], p["Ada"].id, "must_meet")
    assert [r.kind for r in _rules()] == [PairRuleKind.MUST_MEET]


def test_a_pair_stored_in_the_old_order_is_replaced_not_duplicated(app, people):
    event, p = people()
    hi, lo = max(p["Ada"].id, p["Ben"].id), min(p["Ada"].id, p["Ben"].id)
    db.session.add(PairRule(event_id=event.id, attendee_a_id=hi, attendee_b_id=lo, kind=PairRuleKind.MUST_MEET))
    db.session.commit()
    rule = pair_rules.add_pair_rule(event, p["Ada"], p["Ben"], PairRuleKind.MUST_NOT_MEET)
    assert [(r.attendee_a_id, r.attendee_b_id, r.kind) for r in _rules()] == [(lo, hi, PairRuleKind.MUST_NOT_MEET)]
    assert [x.other.id for x in pair_rules.pair_rules_for(p["Ada"])] == [p["Ben"].id]
    pair_rules.remove_pair_rule(rule)
    assert _rules() == []


def test_self_rule_and_inactive_or_unknown_people_are_refused(client, login, people):
    event, p = people()
    login()
    response = _add(client, event, p["Ada"], p["Ada"].id)
    assert response.status_code == 400
    assert "A person cannot have a rule with themselves." in response.get_data(as_text=True)
    p["Chloe"].status = "withdrawn"
    db.session.commit()
    assert "Chloe Martin" not in _rules_section(_page(client, event, p["Ada"]))
    for bad in (p["Chloe"].id, 999_999, "x", ""):
        response = _add(client, event, p["Ada"], bad)
        assert response.status_code == 400, bad
    assert _rules() == []
    with pytest.raises(pair_rules.PairRuleError, match="themselves"):
        pair_rules.add_pair_rule(event, p["Ada"], p["Ada"], PairRuleKind.MUST_MEET)


def test_attendees_of_another_organisers_event_are_refused(client, login, people, make_organiser):
    event, p = people()
    other_org = make_organiser(email="rival@example.com")
    theirs, q = people(organiser=other_org)
    login()
    # their attendee picked on my event: a form error, no rule
    response = _add(client, event, p["Ada"], q["Ben"].id)
    assert response.status_code == 400 and "Pick a registered attendee" in response.get_data(as_text=True)
    # my attendee on their event's address, or theirs on mine: 404
    assert _add(client, theirs, q["Ada"], q["Ben"].id).status_code == 404
    assert _add(client, theirs, p["Ada"], p["Ben"].id).status_code == 404
    assert client.post(f"/organiser/events/{event.slug}/attendees/{q['Ada'].id}/rules",
                       data={"rule-other": str(p["Ben"].id)}).status_code == 404
    assert _rules() == []
    # the service refuses a cross-event pair too
    with pytest.raises(pair_rules.PairRuleError):
        pair_rules.add_pair_rule(event, p["Ada"], q["Ben"], PairRuleKind.MUST_MEET)
    # a rule of their event cannot be removed through mine
    their_rule = pair_rules.add_pair_rule(theirs, q["Ada"], q["Ben"], PairRuleKind.MUST_NOT_MEET)
    url = f"/organiser/events/{event.slug}/attendees/{p['Ada'].id}/rules/remove"
    assert client.post(url, data={"rule": str(their_rule.id)}).status_code == 404
    assert len(_rules()) == 1


def test_remove_a_rule(client, login, people):
    event, p = people()
    login()
    _add(client, event, p["Ada"], p["Ben"].id, "must_not_meet")
    _add(client, event, p["Chloe"], p["Dev"].id, "must_meet")
    rule = next(r for r in _rules() if r.kind == PairRuleKind.MUST_NOT_MEET)
    # only from the page of someone in the rule
    remove = f"/organiser/events/{event.slug}/attendees/{{}}/rules/remove"
    assert client.post(remove.format(p["Chloe"].id), data={"rule": str(rule.id)}).status_code == 404
    for junk in ("", "x", "999999"):
        assert client.post(remove.format(p["Ben"].id), data={"rule": junk}).status_code == 404
    page = _page(client, event, p["Ben"])
    # the page links to a confirmation that says what removing does; its form posts the rule
    confirm_url = remove.format(p["Ben"].id) + f"?rule={rule.id}"
    assert confirm_url in page
    confirm = client.get(confirm_url).get_data(as_text=True)
    assert "Ben Okafor and Ada Lovelace must not meet" in confirm
    assert f'name="rule" value="{rule.id}"' in confirm and remove.format(p["Ben"].id) in confirm
    response = client.post(remove.format(p["Ben"].id), data={"rule": str(rule.id)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rule removed." in page and "No meeting rules for Ben Okafor." in page
    assert [r.kind for r in _rules()] == [PairRuleKind.MUST_MEET]
    assert client.get(remove.format(p["Ben"].id)).status_code == 404  # no rule named


def test_csv_export_is_unchanged_by_rules(client, login, people):
    event, p = people()
    login()
    before = client.get(f"/organiser/events/{event.slug}/attendees.csv").get_data(as_text=True)
    _add(client, event, p["Ada"], p["Ben"].id, "must_not_meet")
    after = client.get(f"/organiser/events/{event.slug}/attendees.csv").get_data(as_text=True)
    assert before == after


def _pairs(version) -> set[frozenset[int]]:
    return {frozenset((m.attendee_a_id, m.attendee_b_id)) for m in version.meetings}


def test_must_not_meet_pair_is_never_scheduled(client, login, people):
    event, p = people(rounds=3)
    ada_ben = frozenset((p["Ada"].id, p["Ben"].id))
    assert ada_ben in _pairs(build_schedule(event, time_limit=2))  # their best match without a rule
    login()
    _add(client, event, p["Ben"], p["Ada"].id, "must_not_meet")  # entered from either side
    version = build_schedule(event, time_limit=2)
    assert version.meetings and ada_ben not in _pairs(version)


def test_must_meet_pair_is_scheduled_when_possible(client, login, people):
    # One round: without a rule Ada meets Ben and Chloe meets Dev (both mutual).
    event, p = people(rounds=1)
    ada_chloe = frozenset((p["Ada"].id, p["Chloe"].id))
    assert ada_chloe not in _pairs(build_schedule(event, time_limit=2))
    login()
    _add(client, event, p["Chloe"], p["Ada"].id, "must_meet")
    version = build_schedule(event, time_limit=2)
    assert ada_chloe in _pairs(version)
    meeting = next(m for m in version.meetings if frozenset((m.attendee_a_id, m.attendee_b_id)) == ada_chloe)
    assert "The organiser asked" in meeting.why


def test_add_and_remove_with_csrf_on(make_app, people):
    # No app context of its own: each request gets a fresh one, as in production (the token
    # cached in ``g`` must not outlive the session reset at login).
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    event, p = people()
    slug, ada, ben = event.slug, p["Ada"].id, p["Ben"].id
    db.session.close()  # SQLite: the test's own session must not hold a lock while requests write
    client = csrf_app.test_client()

    def token(page: str, name: str = "csrf_token") -> str:
        return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)

    page = client.get("/organiser/login").get_data(as_text=True)
    client.post("/organiser/login", data={"email": "org@example.com", "csrf_token": token(page),
                                          "password": "correct horse battery"})
    url = f"/organiser/events/{slug}/attendees/{ada}/rules"
    page = client.get(url[:-len("/rules")]).get_data(as_text=True)
    data = {"rule-other": str(ben), "rule-kind": "must_not_meet"}
    assert client.post(url, data=data).status_code == 400
    assert client.post(url, data=data | {"rule-csrf_token": token(page, "rule-csrf_token")}
                       ).status_code == 302
    rule_id = _rules()[0].id
    db.session.close()
    page = client.get(url[:-len("/rules")]).get_data(as_text=True)
    assert client.post(url + "/remove", data={"rule": str(rule_id)}).status_code == 400
    assert client.post(url + "/remove", data={"rule": str(rule_id), "csrf_token": token(page)}
                       ).status_code == 302
    assert _rules() == []


def test_a_blocked_pair_is_said_as_a_cancelled_meeting_only_when_it_is_one(app, people):
    """The organiser's sentence for a blocked pair names a meeting cancelled by hand, whichever
    order the row was stored in, and otherwise the must-not-meet rule."""
    from meetmatch.matching import Rule, Violation
    from meetmatch.schedules.rulebook import violation_sentence

    event, p = people()
    ada, ben, chloe, dev = p["Ada"], p["Ben"], p["Chloe"], p["Dev"]
    db.session.add_all([
        PairRule(event_id=event.id, attendee_a_id=ben.id, attendee_b_id=ada.id,  # old order
                 kind=PairRuleKind.CANCELLED),
        PairRule(event_id=event.id, attendee_a_id=chloe.id, attendee_b_id=dev.id,
                 kind=PairRuleKind.MUST_NOT_MEET)])
    db.session.commit()
    by_id = {a.id: a for a in event.attendees}

    def said(a, b) -> str:
        return violation_sentence(Violation(Rule.BLOCKED_PAIR, (str(a.id), str(b.id)), 1, 1),
                                  event, by_id)

    for a, b in ((ada, ben), (ben, ada)):
        assert "the organiser cancelled their meeting by hand" in said(a, b)
    assert said(chloe, dev) == "Chloe Martin and Dev Patel must not meet (a meeting rule)."
