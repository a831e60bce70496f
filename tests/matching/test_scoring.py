"""Scoring: benefit per direction, mutual score, text matching (English and Swedish), reasons."""

from __future__ import annotations

import pytest

from meetmatch.matching import (
    DEFAULT_MUTUALITY,
    Participant,
    Problem,
    Settings,
    explain,
    mutual_score,
    score_event,
)


def person(pid, offers=(), needs=(), offers_text="", needs_text="", name=None):
    return Participant(id=pid, name=name or pid.capitalize(), offers=tuple(offers),
                       needs=tuple(needs), offers_text=offers_text, needs_text=needs_text)


def model(*people, **kw):
    return score_event(Problem(rounds=2, attendees=tuple(people), **kw))


def test_mutual_score_is_symmetric_and_zero_without_benefit():
    m = model(person("a", ["design"], ["money"]), person("b", ["money"], ["design"]),
              person("c", ["cooking"], ["gardening"]))
    assert m.mutual("a", "b") == pytest.approx(m.mutual("b", "a"))
    assert m.mutual("a", "b") > 0
    assert m.mutual("a", "c") == 0 and m.mutual("b", "c") == 0


@pytest.mark.parametrize("mutuality", [0.1, 0.5, DEFAULT_MUTUALITY, 1.0])
def test_lopsided_pair_scores_below_mutual_pair_with_same_total(mutuality):
    assert mutual_score(2.0, 0.0, mutuality) < mutual_score(1.0, 1.0, mutuality)
    assert mutual_score(1.5, 0.5, mutuality) < mutual_score(1.0, 1.0, mutuality)
    assert mutual_score(1.0, 1.0, mutuality) == pytest.approx(2.0)
    assert mutual_score(0.0, 0.0, mutuality) == 0.0


def test_mutuality_setting_tunes_the_preference():
    weak = mutual_score(3.0, 0.0, 0.2)
    strong = mutual_score(3.0, 0.0, 0.9)
    assert strong < weak
    assert mutual_score(3.0, 0.0, 0.0) == pytest.approx(3.0)  # 0: plain sum
    assert mutual_score(3.0, 0.0, 1.0) == 0.0  # 1: only mutual gain counts
    one_sided = person("a", ["funding"], []), person("b", [], ["funding"])
    lo = model(*one_sided, settings=Settings(mutuality=0.2)).mutual("a", "b")
    hi = model(*one_sided, settings=Settings(mutuality=0.9)).mutual("a", "b")
    assert 0 < hi < lo


def test_benefit_has_a_direction():
    m = model(person("a", ["funding"], []), person("b", [], ["funding"]))
    assert m.benefit("a", "b") > 0
    assert m.benefit("b", "a") == 0


def test_rare_topics_count_more_than_common_ones():
    crowd = [person(f"x{k}", ["marketing"], ["marketing"]) for k in range(8)]
    m = model(person("needy", [], ["marketing", "underwater welding"]),
              person("common", ["marketing"], []), person("rare", ["underwater welding"], []),
              *crowd)
    assert m.benefit("rare", "needy") > m.benefit("common", "needy") > 0


@pytest.mark.parametrize("offer, need", [
    ("investing in startups", "looking for investors"),
    ("I am an investor", "investing"),
    ("recruiting developers", "we must recruit a developer"),
    ("developers recruiting", "recruitment of developers"),  # word order
    ("rekrytering av utvecklare", "rekrytera utvecklare"),
    ("Vi rekryterar utvecklare", "rekrytering av utvecklare"),
    ("investerare i tidig fas", "söker investeringar"),
    ("Finansiering", "finansiera"),
])
def test_free_text_matches_across_inflections_and_order(offer, need):
    m = model(person("a", offers_text=offer), person("b", needs_text=need),
              person("c", offers_text="gardening tips", needs_text="cooking"))
    assert m.benefit("a", "b") > 0
    assert m.benefit("c", "b") == 0


def test_text_can_meet_a_topic():
    m = model(person("a", ["Seed funding"]), person("b", needs_text="we need funding"))
    assert m.benefit("a", "b") > 0


def test_explanation_names_both_directions():
    alice = person("p1", ["UX design"], ["seed funding"], name="Alice Park")
    bruno = person("p2", ["seed funding"], ["ux design"], name="Bruno Silva")
    e = explain(alice, bruno)
    assert e.a_gives == ["UX design"]
    assert e.b_gives == ["seed funding"]
    assert e.text == ("Alice offers 'UX design', which Bruno needs; "
                      "Bruno offers 'seed funding', which Alice needs.")


def test_explanation_quotes_both_sides_of_free_text():
    m = model(person("a", offers_text="Rekrytering av utvecklare. Design.", name="Cia"),
              person("b", needs_text="Vi behöver rekrytera utvecklare", name="Dan"))
    e = m.explain("a", "b")
    assert e.a_gives == ["Rekrytering av utvecklare"]
    assert e.b_gives == []
    assert e.text == ("Cia: 'Rekrytering av utvecklare' \u2194 Dan: 'Vi behöver rekrytera "
                      "utvecklare'; Dan listed nothing Cia needs.")


def test_weights_replace_scoring():
    a, b, c = person("a"), person("b"), person("c")
    m = model(a, b, c, weights=(("a", "b", 2.5),))
    assert m.mutual("a", "b") == 2.5 and m.mutual("b", "a") == 2.5
    assert m.mutual("a", "c") == 0
    assert "2.5" in m.explain("a", "b").text


def test_scores_do_not_depend_on_input_order():
    people = [person("a", ["x", "y"], ["z"]), person("b", ["z"], ["x"]),
              person("c", ["z", "y"], ["y"], offers_text="investors")]
    m1, m2 = model(*people), model(*reversed(people))
    for a in "abc":
        for b in "abc":
            if a != b:
                assert m1.mutual(a, b) == m2.mutual(a, b)
                assert m1.explain(a, b) == m2.explain(a, b)


def test_a_weak_match_is_called_loose_in_both_persons_and_languages():
    """A direction whose best match is weak (below the two-way threshold) reads as what it is;
    a clear one reads without the hedge."""
    from meetmatch.matching.reasons import LOOSE, Explanation, Match, second_person, third_person
    from meetmatch.matching.scoring import TWO_WAY_THRESHOLD

    assert LOOSE == TWO_WAY_THRESHOLD
    e = Explanation(a="n", b="y", a_name="Nils", b_name="Yasmin",
                    a_to_b=(Match("Load tests for busy sites", "Forecasting demand", 0.05),),
                    b_to_a=(Match("Brand identity", "A new logo for our shop", 0.8),))
    assert third_person(e) == ("Nils: 'Load tests for busy sites' \u2194 Yasmin: 'Forecasting "
                               "demand' (a loose match); Yasmin: 'Brand identity' \u2194 Nils: "
                               "'A new logo for our shop'.")
    # The attendee is not shown the weak pairing as a promise: no quotes for that direction,
    # and the clear direction leads.
    assert second_person(e, "n") == ("Yasmin can help you with 'A new logo for our shop' (Yasmin "
                                     "offers 'Brand identity'). Nothing you listed clearly "
                                     "answers what Yasmin needs.")
    assert second_person(e, "y") == ("You can help Nils with 'A new logo for our shop' (you offer "
                                     "'Brand identity'). Nothing Nils listed clearly answers what "
                                     "you need.")
    assert "Forecasting" not in second_person(e, "n") + second_person(e, "y")
    assert second_person(e, "y", "sv").endswith("Inget som Nils angav svarar tydligt mot det du behöver.")
    assert "(en lös koppling)" in third_person(e, "sv")
    clear = Explanation(a="n", b="y", a_name="Nils", b_name="Yasmin",
                        a_to_b=(Match("Load tests", "Our site falls over at peaks", LOOSE),))
    assert "loose" not in third_person(clear) and "loose" not in second_person(clear, "y")
