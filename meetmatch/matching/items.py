"""Items: the pieces of a profile that benefit compares.

An attendee's offers (and needs) become a list of :class:`Item`: each selected topic, and
each sentence or clause of the free text. Free text is split on sentence punctuation,
semicolons, newlines and bullets; a long list ("bookkeeping, payroll and VAT returns for
small firms, ...") is split further into clauses on commas and "and"/"och" when every
part still says something on its own. Fragments without a content word ("etc.", "and
more", "och") are dropped, so a reason never quotes a lone filler word.

Comparing items instead of whole documents means one squarely answered need counts in
full instead of being averaged away by the rest of a long profile.

>>> [i.text for i in profile_items(Participant("a", "A", offers_text="Audits; SEO. Etc."),
...                                 "offer")]
['Audits', 'SEO']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .problem import Participant
from .text import STOP_WORDS, words

Kind = Literal["offer", "need"]

MAX_ITEM_CHARS = 300  # the encoder reads about this much; longer clauses are cut here
LIST_TERM_WORDS = 5  # a comma list splits when every piece is a term of at most this many words
LIST_SPLIT_WORDS = 20  # a sentence longer than this may be split on commas and "and"/"och"
MAX_ITEMS = 12  # per side and person: past this a profile is noise, not more benefit

# Sentence ends (not inside numbers like 2.5), semicolons, newlines and bullet marks.
_SENTENCE = re.compile(r"(?<!\d)[.!?]+(?=\s|$)|[;\n\r\u2022\u00b7\u25aa\u2023]+|(?:^|\s)[-*]\s")
_LIST = re.compile(r",\s*|\s+(?:and|och|samt|&|as well as|plus)\s+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Item:
    """One topic or one clause of an attendee's offers or needs.

    ``text`` is the attendee's own words (whitespace tidied), ``kind`` "offer" or "need",
    ``topic`` True for a selected topic (its ``key`` is then the normalised topic name).
    """

    text: str
    kind: Kind
    topic: bool = False

    @property
    def key(self) -> str:
        """Normalised text: exact matches, dedupe and cache hashes use it."""
        return normalise(self.text)


def normalise(text: str) -> str:
    """Lower case, single spaces, no surrounding punctuation."""
    return _SPACE.sub(" ", text).strip().strip(" .,:;-*").lower()


def _content_words(text: str) -> list[str]:
    return [w for w in words(text) if len(w) > 1 and w not in STOP_WORDS]


def _tidy(text: str) -> str:
    text = _SPACE.sub(" ", text).strip().strip(" ,:;-*")
    return text[:MAX_ITEM_CHARS]


def split_clauses(text: str) -> list[str]:
    """The sentences and clauses of a free text, in order, fillers dropped, no duplicates."""
    out: list[str] = []
    seen: set[str] = set()
    for sentence in _SENTENCE.split(text or ""):
        sentence = _tidy(sentence)
        if not sentence:
            continue
        parts = [sentence]
        # Only a list is split: a sentence with commas that is long or has several.
        # "We're growing fast and have no HR processes" is one thought and stays whole.
        # A shorter sentence is one thought the encoder reads best whole: split, "Our app
        # lets salons, clinics and coaches take bookings" became "clinics" answering needs.
        if "," in sentence:
            pieces = [_tidy(p) for p in _LIST.split(sentence)]
            pieces = [p for p in pieces if p]
            # A list of terms ("Bookkeeping, payroll and VAT returns, annual reports") splits;
            # so does a long sentence. Anything else stays whole.
            if not (len(words(sentence)) > LIST_SPLIT_WORDS or (
                    sentence.count(",") >= 2 and all(len(words(p)) <= LIST_TERM_WORDS
                                                     for p in pieces))):
                pieces = [sentence]
            # Split only when each piece stands on its own: two content words, or one
            # real term ("payroll"). Short phrases like "sales and marketing" never split.
            if len(pieces) > 1 and all(len(_content_words(p)) >= 2 or (
                    _content_words(p) and len(p) >= 6) for p in pieces):
                parts = pieces
        for part in parts:
            if not _content_words(part) or len(part) < 3:
                continue
            key = normalise(part)
            if key not in seen:
                seen.add(key)
                out.append(part)
    return out


def profile_items(p: Participant, kind: Kind) -> list[Item]:
    """The items of one side ("offer" or "need") of a profile: topics first, then clauses.

    A clause that only repeats a selected topic is dropped (the topic already says it).
    """
    topics = p.offers if kind == "offer" else p.needs
    text = p.offers_text if kind == "offer" else p.needs_text
    items: list[Item] = []
    seen: set[str] = set()
    for t in topics:
        tidy = _tidy(t)
        key = normalise(tidy)
        if key and key not in seen:
            seen.add(key)
            items.append(Item(tidy, kind, topic=True))
    for clause in split_clauses(text):
        key = normalise(clause)
        if key not in seen:
            seen.add(key)
            items.append(Item(clause, kind))
    return items[:MAX_ITEMS]


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-.") + "\u2026"
