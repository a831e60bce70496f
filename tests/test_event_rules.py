"""All meeting rules of an event on one page: the settings for everyone and every pair rule,
grouped by kind, each with its remove link."""

from __future__ import annotations

from meetmatch import pair_rules
from meetmatch.models import PairRuleKind


def test_every_rule_of_the_event_on_one_page(client, login, make_event, make_attendee):
    event = make_event(min_meetings=2)
    ada, ben, cy, dee = (make_attendee(event, name=n, email=f"{n.lower()}@example.com", organisation=o)
                         for n, o in (("Ada", "A1"), ("Ben", "B1"), ("Cy", "C1"), ("Dee", "D1")))
    other = make_event()
    x, y = (make_attendee(other, name=n, email=f"{n}@example.com") for n in ("Xena", "Yuri"))
    pair_rules.add_pair_rule(event, ben, ada, PairRuleKind.MUST_MEET)
    pair_rules.add_pair_rule(event, cy, dee, PairRuleKind.MUST_NOT_MEET)
    pair_rules.add_pair_rule(other, x, y, PairRuleKind.MUST_MEET)
    cancelled = pair_rules.remember_cancellation(event, ada.id, dee.id)
    login()
    html = " ".join(client.get(f"/organiser/events/{event.slug}/rules").get_data(as_text=True).split())
    assert "People from the same organisation are never matched." in html
    assert "fewer than 2 meetings" in html
    must, must_not, again = (html.index(h) for h in ("Must meet (1)", "Must not meet (1)", "Not paired again"))
    assert must < html.index("Ben") < must_not < html.index("Cy") < again < html.rindex("Dee")
    assert "Xena" not in html and "Yuri" not in html  # another event's rules
    assert f"/attendees/{ada.id}/rules/remove?rule={cancelled.id}" in html
    removal = client.get(f"/organiser/events/{event.slug}/attendees/{ada.id}/rules/remove?rule={cancelled.id}")
    assert removal.status_code == 200 and "Remove the rule between Ada and Dee?" in removal.get_data(as_text=True)
    assert "see all meeting rules" in client.get(f"/organiser/events/{event.slug}").get_data(as_text=True)


def test_rules_page_empty_and_private(client, login, make_event, make_organiser):
    event = make_event()
    assert client.get(f"/organiser/events/{event.slug}/rules").status_code == 302
    login()
    html = client.get(f"/organiser/events/{event.slug}/rules").get_data(as_text=True)
    assert "Must meet (0)" in html and "None." in html
    make_organiser(email="other@example.com")
    client.post("/organiser/logout")
    login(email="other@example.com")
    assert client.get(f"/organiser/events/{event.slug}/rules").status_code == 404
