"""benefit(a -> b) from items: how well a's offer items answer b's need items.

For each of b's need items, the best of a's offer items gives a *gain* in 0..1 (see
below); the need's gain is multiplied by its weight (1 for a sentence; for a topic
``0.5 + 0.5 * idf / idf_max``, so a rare topic counts more than one everybody lists),
and a's gains by ``min(1, sqrt(OFFER_BREADTH / a's offer items))`` so that listing every
topic buys little. The benefit adds b's best four needs with weights 1, 0.6, 0.36, 0.22:
one squarely answered need is worth 1, more answered needs add less each (four add up to
2.18, a little more than two people each answering one need of the other), and filler
never dilutes a good match. An item identical to the other side's item (the same topic, or the
same words) always gains 1.

Gains come from one of two similarity sources with the same interface
(``block(need_units, offer_units=None) -> gains``):

* :class:`EmbeddingGains` -- cosine similarity of encoder vectors, calibrated against the
  event's population (:mod:`meetmatch.matching.calibration`) so unrelated text gains 0;
* :class:`LexicalGains` -- the fallback: TF-IDF cosine over language-neutral word keys
  (:mod:`meetmatch.matching.text`), which understands inflections but not meaning.

:func:`benefit_matrix` computes every pair with numpy matrix products on blocks of people
(distinct item texts only, each encoded once); :func:`pair_matches` lists the matches of
one pair for the reasons, :func:`matches_many` those of many pairs at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from . import calibration
from .encoders import Encoder, VectorCache, encode_items
from .items import Item, Kind, profile_items
from .problem import Participant
from .reasons import Match
from .text import text_keys

OFFER_BREADTH = 6  # offer items a person may list before each counts a little less
DECAY = (1.0, 0.6, 0.36, 0.22)  # weights of b's best, second, ... answered need
BLOCK_CELLS = 16_000_000  # floats per temporary array while computing the matrix


class EventItems:
    """The offer and need items of an event's people, with distinct texts numbered.

    ``items[kind][i]`` are person i's items; ``units[kind][i]`` the number of each item's
    distinct text ("unit") in ``texts[kind]``; ``weights[i]`` person i's need weights and
    ``offer_factor[i]`` the breadth factor of i's offers.
    """

    def __init__(self, people: Sequence[Participant]):
        n = len(people)
        self.n = n
        self.items: dict[Kind, list[list[Item]]] = {}
        self.units: dict[Kind, list[list[int]]] = {}
        self.texts: dict[Kind, list[str]] = {}
        for kind in ("offer", "need"):
            index: dict[str, int] = {}
            texts: list[str] = []
            per_person = [profile_items(p, kind) for p in people]
            units = []
            for items in per_person:
                row = []
                for item in items:
                    if item.key not in index:
                        index[item.key] = len(texts)
                        texts.append(item.text)
                    row.append(index[item.key])
                units.append(row)
            self.items[kind], self.units[kind], self.texts[kind] = per_person, units, texts
            if kind == "offer":
                offer_index = index
        # Units that are a topic of the event's list: two different topics never answer each
        # other (the list is the organiser's vocabulary: "Partnerships" is not "Legal").
        self.topic_unit: dict[Kind, np.ndarray] = {}
        for kind in ("offer", "need"):
            flags = np.zeros(len(self.texts[kind]), dtype=bool)
            for items_of, units_of in zip(self.items[kind], self.units[kind], strict=True):
                for item, unit in zip(items_of, units_of, strict=True):
                    flags[unit] |= item.topic
            self.topic_unit[kind] = flags
        need_keys = [Item(t, "need").key for t in self.texts["need"]]
        # Need unit -> offer unit with the same normalised text (an exact match), or -1.
        self.exact = np.array([offer_index.get(k, -1) for k in need_keys], dtype=np.int64)
        df: dict[str, int] = {}
        for i in range(n):
            for t in {it.key for kind in ("offer", "need") for it in self.items[kind][i]
                      if it.topic}:
                df[t] = df.get(t, 0) + 1
        idf_max = math.log((1 + n) / 2) + 1
        self.weights = [np.array([0.5 + 0.5 * (math.log((1 + n) / (1 + df[it.key])) + 1)
                                  / idf_max if it.topic else 1.0
                                  for it in items], dtype=np.float32)
                        for items in self.items["need"]]
        self.offer_factor = np.array(
            [min(1.0, math.sqrt(OFFER_BREADTH / max(1, len(u)))) for u in self.units["offer"]],
            dtype=np.float32)


class LexicalGains:
    """Gains from TF-IDF cosine of word keys (inflections in English and Swedish match)."""

    name = "lexical"

    def __init__(self, items: EventItems):
        texts = items.texts["need"] + items.texts["offer"]
        k = len(items.texts["need"])
        if any(text_keys(t) for t in texts):
            vec = TfidfVectorizer(analyzer=text_keys, sublinear_tf=True, norm="l2",
                                  dtype=np.float32)
            m = vec.fit_transform(texts).tocsr()
        else:
            import scipy.sparse as sp
            m = sp.csr_matrix((len(texts), 1), dtype=np.float32)
        self._need, self._offer = m[:k], m[k:]

    def block(self, need_units: np.ndarray, offer_units: np.ndarray | None = None) -> np.ndarray:
        offer = self._offer if offer_units is None else self._offer[offer_units]
        return np.asarray((self._need[need_units] @ offer.T).todense(), dtype=np.float32)


_BACKGROUND: dict[tuple[str, str], dict[tuple[str, str], np.ndarray]] = {}


def _background(encoder: Encoder, cache: VectorCache | None) -> dict[tuple[str, str], np.ndarray]:
    """Vectors of the calibration background by (kind, language), once per process."""
    key = (encoder.name, type(encoder).__qualname__)
    if key not in _BACKGROUND:
        C = calibration
        _BACKGROUND[key] = {(kind, lang): encode_items(encoder, cache, texts, kind)
                            for (kind, lang), texts in (
            (("need", "en"), C.BACKGROUND_NEEDS_EN), (("need", "sv"), C.BACKGROUND_NEEDS_SV),
            (("offer", "en"), C.BACKGROUND_OFFERS_EN), (("offer", "sv"), C.BACKGROUND_OFFERS_SV))}
    return _BACKGROUND[key]


class EmbeddingGains:
    """Gains from encoder vectors, calibrated against the event (and a fixed background)."""

    def __init__(self, items: EventItems, encoder: Encoder, cache: VectorCache | None):
        C = calibration
        self.name = encoder.name
        need = encode_items(encoder, cache, items.texts["need"], "need")
        offer = encode_items(encoder, cache, items.texts["offer"], "offer")
        bg = _background(encoder, cache)
        axis = C.language_axis(np.vstack([bg["need", "en"], bg["offer", "en"]]),
                               np.vstack([bg["need", "sv"], bg["offer", "sv"]]))
        bg_need = np.vstack([bg["need", "en"], bg["need", "sv"]])
        bg_offer = np.vstack([bg["offer", "en"], bg["offer", "sv"]])
        need_mean = (need.sum(0) + bg_need.sum(0)) / (len(need) + len(bg_need))
        offer_mean = (offer.sum(0) + bg_offer.sum(0)) / (len(offer) + len(bg_offer))
        self.need = C.centred(need, need_mean, axis)
        self.offer = C.centred(offer, offer_mean, axis)
        offer_pop = np.vstack([C.sample_rows(self.offer), C.centred(bg_offer, offer_mean, axis)])
        need_pop = np.vstack([C.sample_rows(self.need), C.centred(bg_need, need_mean, axis)])
        self.need_typical, self.need_spread = C.robust_stats(self.need, offer_pop)
        self.offer_typical, self.offer_spread = C.robust_stats(self.offer, need_pop)

    def block(self, need_units: np.ndarray, offer_units: np.ndarray | None = None) -> np.ndarray:
        offer = slice(None) if offer_units is None else offer_units
        sim = self.need[need_units] @ self.offer[offer].T
        return calibration.gains(sim, self.need_typical[need_units],
                                 self.need_spread[need_units], self.offer_typical[offer],
                                 self.offer_spread[offer])


Gains = LexicalGains | EmbeddingGains


def _with_exact(items: EventItems, g: np.ndarray, need_units: np.ndarray,
                offer_units: np.ndarray | None = None) -> np.ndarray:
    exact = items.exact[need_units]
    need_topic = items.topic_unit["need"][need_units]
    offer_topic = (items.topic_unit["offer"] if offer_units is None
                   else items.topic_unit["offer"][np.asarray(offer_units)])
    g[need_topic[:, None] & offer_topic[None, :]] = 0.0
    if offer_units is None:
        rows = np.flatnonzero(exact >= 0)
        g[rows, exact[rows]] = 1.0
    else:
        g[exact[:, None] == np.asarray(offer_units)[None, :]] = 1.0
    return g


def benefit_matrix(items: EventItems, gains: Gains) -> np.ndarray:
    """B (n x n, float32) with ``B[a, b] = benefit(a -> b)``; the diagonal is 0."""
    n = items.n
    B = np.zeros((n, n), dtype=np.float32)
    if n == 0:
        return B
    n_offer = len(items.texts["offer"])
    # a's offer units, person after person; a person with none points at a zero column.
    cols, starts = [], []
    for u in items.units["offer"]:
        starts.append(len(cols))
        cols.extend(u or [n_offer])
    cols_arr, starts_arr = np.array(cols, dtype=np.int64), np.array(starts, dtype=np.int64)
    need_units = items.units["need"]
    most = max(1, max(len(u) for u in need_units))
    per_row = max(1, sum(len(u) for u in need_units) // n)
    block = max(1, min(BLOCK_CELLS // (most * n), BLOCK_CELLS // (per_row * len(cols) + 1)))
    decay = np.array(DECAY, dtype=np.float32)
    for start in range(0, n, block):
        rows = range(start, min(n, start + block))
        occ_b, occ_slot, occ_unit, occ_w = [], [], [], []
        for k, b in enumerate(rows):
            units = need_units[b]
            occ_b += [k] * len(units)
            occ_slot += range(len(units))
            occ_unit += units
            occ_w.append(items.weights[b])
        if not occ_unit:
            continue
        uniq, inv = np.unique(np.array(occ_unit, dtype=np.int64), return_inverse=True)
        g = _with_exact(items, gains.block(uniq), uniq)
        g = np.concatenate([g, np.zeros((len(uniq), 1), dtype=np.float32)], axis=1)
        best = np.maximum.reduceat(g[:, cols_arr], starts_arr, axis=1)  # unit x offerer
        best *= items.offer_factor[None, :]
        stack = np.zeros((len(rows), most, n), dtype=np.float32)
        stack[occ_b, occ_slot] = best[inv] * np.concatenate(occ_w)[:, None]
        if most > len(decay):
            stack = -np.partition(-stack, len(decay) - 1, axis=1)[:, :len(decay)]
        stack = -np.sort(-stack, axis=1)
        got = np.einsum("bkn,k->bn", stack, decay[:stack.shape[1]])
        B[:, start:start + len(rows)] = got.T
    np.fill_diagonal(B, 0.0)
    return B


def pair_matches(items: EventItems, gains: Gains, a: int, b: int) -> tuple[Match, ...]:
    """The matches of a's offer items to b's need items, strongest first (gain > 0)."""
    return matches_many(items, gains, [(a, b)])[0]


def matches_many(items: EventItems, gains: Gains, pairs: Sequence[tuple[int, int]]
                 ) -> list[tuple[Match, ...]]:
    """:func:`pair_matches` of many (giver, receiver) pairs, in their order.

    One gains block per receiver (its need units against the offer units of all its
    givers) instead of one per pair: a schedule's reasons cost one small matrix product per
    person, not two per meeting.
    """
    out: list[tuple[Match, ...]] = [()] * len(pairs)
    by_receiver: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(pairs):
        if items.units["offer"][a] and items.units["need"][b]:
            by_receiver.setdefault(b, []).append(k)
    for b, ks in by_receiver.items():
        need_units = np.array(items.units["need"][b], dtype=np.int64)
        offer_units = np.array([u for k in ks for u in items.units["offer"][pairs[k][0]]],
                               dtype=np.int64)
        g = _with_exact(items, gains.block(need_units, offer_units), need_units, offer_units)
        start = 0
        for k in ks:
            a = pairs[k][0]
            stop = start + len(items.units["offer"][a])
            sub = g[:, start:stop] * (items.offer_factor[a] * items.weights[b][:, None])
            start = stop
            best = sub.argmax(axis=1)
            found = [Match(items.items["offer"][a][j].text, items.items["need"][b][r].text,
                           round(float(sub[r, j]), 4))
                     for r, j in enumerate(best.tolist()) if sub[r, j] > 0]
            found.sort(key=lambda m: (-m.strength, m.need, m.offer))
            out[k] = tuple(found)
    return out


def make_gains(items: EventItems, encoder: Encoder | None,
               cache: VectorCache | None) -> Gains:
    """Embedding gains with ``encoder``, or lexical ones when it is None."""
    if encoder is None:
        return LexicalGains(items)
    return EmbeddingGains(items, encoder, cache)
