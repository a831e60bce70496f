"""Free-text normalisation for English and Swedish profiles.

Each word is folded to a *key* by applying the English and the Swedish Snowball stemmers
alternately until the word stops changing. That maps inflections in either language to
one key without guessing the language of a profile ("rekrytering", "rekrytera" ->
"rekryt"; "investor", "investors", "investing" -> "invest"). Word order is ignored
because the text is compared as a bag of keys.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# The Snowball project's Swedish stop-word list (abridged to the words that carry no topic).
SWEDISH_STOP_WORDS = frozenset("""
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde
något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under
någon eller allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli
blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess inom mellan
sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra ert era
vilkas söker vill behöver erbjuder hjälp hjälpa också gärna
""".split())

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | SWEDISH_STOP_WORDS | frozenset(
    "looking need needs offer offers want help seeking".split())

_EN = snowballstemmer.stemmer("english")
_SV = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The language-neutral stem of one lower-case word."""
    current = word
    for _ in range(4):
        nxt = _SV.stemWord(_EN.stemWord(current))
        if nxt == current:
            break
        current = nxt
    return _EN.stemWord(current)


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters only, any alphabet)."""
    return _WORD.findall(text.lower())


def text_keys(text: str) -> list[str]:
    """The keys of the content words in ``text``, in order (an analyzer for TfidfVectorizer)."""
    return [word_key(w) for w in words(text) if len(w) > 1 and w not in STOP_WORDS]


def matched_phrases(text: str, keys: set[str]) -> list[str]:
    """Runs of words in ``text`` whose keys are in ``keys`` (stop words may sit inside a run).

    Used to name the matched items of a free-text match in plain words.
    """
    phrases: list[str] = []
    run: list[str] = []
    pending: list[str] = []
    for match in _WORD.finditer(text):
        w = match.group(0)
        low = w.lower()
        if low in STOP_WORDS or len(low) <= 1:
            if run:
                pending.append(w)
            continue
        if word_key(low) in keys:
            run.extend(pending)
            run.append(w)
        elif run:
            phrases.append(" ".join(run))
            run = []
        pending = []
    if run:
        phrases.append(" ".join(run))
    out: list[str] = []
    for p in phrases:
        if p.lower() not in (o.lower() for o in out):
            out.append(p)
    return out
