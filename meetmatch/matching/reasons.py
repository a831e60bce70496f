"""Reasons for a meeting that quote both sides, in the third or the second person.

An :class:`Explanation` holds, per direction, the :class:`Match` es that make the meeting
worth having: which of the giver's offer items answers which of the receiver's need
items, quoting both people's own words (or topic). Render it with

* :func:`third_person` for organiser pages and printouts:
  ``Ida: 'front-end performance audits' ↔ Leo: 'our web shop is painfully slow on phones'.``
* :func:`second_person` for one attendee's own mail, page and calendar:
  ``You can help Leo with 'our web shop is painfully slow on phones' (you offer
  'front-end performance audits'). Leo can help you with …``

A one-way meeting says so ("Leo listed nothing you need."); a direction whose best match is
weak is marked "(a loose match)" for organisers and told to the attendee without quotes
("Nothing Leo listed clearly answers what you need."). Every fixed word comes from
:data:`WORDS`, one table per language ("en", "sv"), so a translation only adds a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .items import normalise, shorten

QUOTE_CHARS = 60  # a quote is cut at a word boundary to about this many characters
SHOWN = 2  # matches quoted per direction; the strongest first
# A second match is quoted only when it is clear on its own (a weak one reads as noise:
# "first cheques of 2-10 MSEK" for "help hiring our first engineers").
SECOND_MIN = 0.5
# A direction whose best match is weaker than this is called what it is, a loose match: it
# does not count towards a two-way meeting either (scoring.TWO_WAY_THRESHOLD is this number),
# and a reader should not take "'load tests' <-> 'forecasting demand'" for a promise.
LOOSE = 0.25

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "quote": "'{}'",
        "pair": "{giver}: {offer} \u2194 {receiver}: {need}",
        "same": "{giver} offers {offer}, which {receiver} needs",
        "nothing": "{giver} listed nothing {receiver} needs.",
        "nothing_both": "{a} and {b} listed nothing the other needs.",
        "you_help": "You can help {other} with {items}",
        "they_help": "{other} can help you with {items}",
        "you_offer": "{need} (you offer {offer})",
        "they_offer": "{need} ({other} offers {offer})",
        "you_nothing": "You listed nothing {other} needs.",
        "you_loose": "Nothing you listed clearly answers what {other} needs.",
        "they_loose": "Nothing {other} listed clearly answers what you need.",
        "they_nothing": "{other} listed nothing you need.",
        "neither": "Neither of you listed something the other needs.",
        "weight": "The organiser rated a meeting between {a} and {b} at {w}.",
        "weight_you": "The organiser rated your meeting with {other} at {w}.",
        "and": " and ",
        "loose": " (a loose match)",
        "both_asked": "{a} and {b} both asked to meet.",
        "one_asked": "{a} asked to meet {b}.",
        "you_both_asked": "You both asked to meet.",
        "you_asked": "You asked to meet {other}.",
    },
    "sv": {
        "quote": "\u201d{}\u201d",
        "pair": "{giver}: {offer} \u2194 {receiver}: {need}",
        "same": "{giver} erbjuder {offer}, som {receiver} behöver",
        "nothing": "{giver} angav inget som {receiver} behöver.",
        "nothing_both": "{a} och {b} angav inget som den andra behöver.",
        "you_help": "Du kan hjälpa {other} med {items}",
        "they_help": "{other} kan hjälpa dig med {items}",
        "you_offer": "{need} (du erbjuder {offer})",
        "they_offer": "{need} ({other} erbjuder {offer})",
        "you_nothing": "Du angav inget som {other} behöver.",
        "you_loose": "Inget du angav svarar tydligt mot det {other} behöver.",
        "they_loose": "Inget som {other} angav svarar tydligt mot det du behöver.",
        "they_nothing": "{other} angav inget som du behöver.",
        "neither": "Ingen av er angav något som den andra behöver.",
        "weight": "Arrangören gav ett möte mellan {a} och {b} vikten {w}.",
        "weight_you": "Arrangören gav ditt möte med {other} vikten {w}.",
        "and": " och ",
        "loose": " (en lös koppling)",
        "both_asked": "{a} och {b} bad båda om att träffas.",
        "one_asked": "{a} bad om att träffa {b}.",
        "you_both_asked": "Ni bad båda om att träffas.",
        "you_asked": "Du bad om att träffa {other}.",
    },
}


@dataclass(frozen=True)
class Match:
    """One of the giver's offer items answering one of the receiver's need items.

    ``offer`` and ``need`` are the people's own words (full; renderers shorten them);
    ``strength`` is the calibrated gain, 0..1 (1: exact topic or squarely answered).
    """

    offer: str
    need: str
    strength: float


@dataclass(frozen=True)
class Explanation:
    """Why a and b should meet: per direction, what the giver offers that the other needs.

    ``a_to_b`` are a's offers answering b's needs (strongest first), ``b_to_a`` the other
    way. ``benefit_ab`` / ``benefit_ba`` are the benefits, ``two_way`` whether both reach
    the two-way threshold. ``weight`` is set (and the matches empty) when the organiser
    gave the scores as weights. ``asked`` holds the ids of those who asked to meet the
    other (an attendee's wish): both, one, or none. ``text`` is the English third-person
    sentence.
    """

    a: str
    b: str
    a_name: str
    b_name: str
    a_to_b: tuple[Match, ...] = ()
    b_to_a: tuple[Match, ...] = ()
    benefit_ab: float = 0.0
    benefit_ba: float = 0.0
    two_way: bool = False
    weight: float | None = None
    asked: tuple[str, ...] = ()

    @property
    def a_gives(self) -> list[str]:
        """a's offer items that answer b (own words, strongest first, no repeats)."""
        return list(dict.fromkeys(m.offer for m in self.a_to_b))

    @property
    def b_gives(self) -> list[str]:
        return list(dict.fromkeys(m.offer for m in self.b_to_a))

    @property
    def text(self) -> str:
        return third_person(self)

    def matches_from(self, pid: str) -> tuple[Match, ...]:
        """The matches where ``pid`` (a or b) is the giver."""
        return self.a_to_b if pid == self.a else self.b_to_a


def _words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def _quote(text: str, w: dict[str, str]) -> str:
    return w["quote"].format(shorten(text, QUOTE_CHARS))


def _shown(matches: tuple[Match, ...]) -> list[Match]:
    """The strongest matches, each need and each offer quoted once; weak extras left out."""
    out: list[Match] = []
    needs: set[str] = set()
    offers: set[str] = set()
    for m in matches:
        if m.need.lower() in needs or m.offer.lower() in offers:
            continue
        if out and m.strength < max(SECOND_MIN, out[0].strength / 2):
            break
        needs.add(m.need.lower())
        offers.add(m.offer.lower())
        out.append(m)
        if len(out) == SHOWN:
            break
    return out


def _is_loose(matches: tuple[Match, ...]) -> bool:
    """Whether a direction's best match is weak (below the two-way threshold)."""
    return bool(matches) and matches[0].strength < LOOSE


def _loose(matches: tuple[Match, ...], w: dict[str, str]) -> str:
    """" (a loose match)" after a direction whose best match is weak, else nothing."""
    return w["loose"] if _is_loose(matches) else ""


def _same(m: Match) -> bool:
    return normalise(m.offer) == normalise(m.need)


def _number(w: float) -> str:
    return f"{w:g}"


def _wish_third(e: Explanation, w: dict[str, str]) -> str:
    if set(e.asked) >= {e.a, e.b}:
        return w["both_asked"].format(a=e.a_name, b=e.b_name) + " "
    if e.asked:
        one_a = e.asked[0] == e.a
        return w["one_asked"].format(a=e.a_name if one_a else e.b_name,
                                     b=e.b_name if one_a else e.a_name) + " "
    return ""


def _wish_second(e: Explanation, viewer: str, other: str, w: dict[str, str]) -> str:
    """Only a wish the viewer shares in is told: a one-sided wish stays with its maker."""
    if set(e.asked) >= {e.a, e.b}:
        return w["you_both_asked"] + " "
    if viewer in e.asked:
        return w["you_asked"].format(other=other) + " "
    return ""


def third_person(e: Explanation, lang: str = "en") -> str:
    """The reason for organisers and printouts, naming both people, both directions."""
    return _wish_third(e, _words(lang)) + _third_person(e, lang)


def _third_person(e: Explanation, lang: str) -> str:
    w = _words(lang)
    if e.weight is not None:
        return w["weight"].format(a=e.a_name, b=e.b_name, w=_number(e.weight))
    if not e.a_to_b and not e.b_to_a:
        return w["nothing_both"].format(a=e.a_name, b=e.b_name)
    parts = []
    for giver, receiver, matches in ((e.a_name, e.b_name, e.a_to_b),
                                     (e.b_name, e.a_name, e.b_to_a)):
        if matches:
            parts.append(", ".join(
                w["same" if _same(m) else "pair"].format(
                    giver=giver, offer=_quote(m.offer, w), receiver=receiver,
                    need=_quote(m.need, w)) for m in _shown(matches)) + _loose(matches, w))
        else:
            parts.append(w["nothing"].format(giver=giver, receiver=receiver).rstrip("."))
    return "; ".join(parts) + "."


def second_person(e: Explanation, viewer: str, lang: str = "en") -> str:
    """The reason for ``viewer`` (a's or b's id) in their own mail, page and calendar."""
    w = _words(lang)
    other = e.b_name if viewer == e.a else e.a_name
    return _wish_second(e, viewer, other, w) + _second_person(e, viewer, lang)


def _second_person(e: Explanation, viewer: str, lang: str) -> str:
    w = _words(lang)
    you_a = viewer == e.a
    other = e.b_name if you_a else e.a_name
    if e.weight is not None:
        return w["weight_you"].format(other=other, w=_number(e.weight))
    give, get = (e.a_to_b, e.b_to_a) if you_a else (e.b_to_a, e.a_to_b)
    if not give and not get:
        return w["neither"]

    def items(matches: tuple[Match, ...], template: str) -> str:
        out = []
        for m in _shown(matches):
            need = _quote(m.need, w)
            if _same(m):
                out.append(need)
            else:
                out.append(w[template].format(need=need, offer=_quote(m.offer, w), other=other))
        return w["and"].join(out)

    # A loose direction is not quoted to the attendee: "Shopnest, a Nordic online store" for
    # "a lead investor" reads like a promise to the person who gets the mail (the organiser's
    # third person keeps the quotes, marked loose).
    give_clear = bool(give) and not _is_loose(give)
    get_clear = bool(get) and not _is_loose(get)
    first = (w["you_help"].format(other=other, items=items(give, "you_offer")) + "." if give_clear
             else w["you_loose" if give else "you_nothing"].format(other=other))
    second = (w["they_help"].format(other=other, items=items(get, "they_offer")) + "." if get_clear
              else w["they_loose" if get else "they_nothing"].format(other=other))
    # The clear direction first: what the reader gains or gives for sure leads the sentence.
    return f"{first} {second}" if give_clear or not get_clear else f"{second} {first}"
