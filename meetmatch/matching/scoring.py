"""What a meeting is worth: benefit in each direction, the mutual score, and the reason.

``benefit(a -> b)`` adds two parts:

* topics: every topic a offers and b needs counts its rarity weight
  ``idf = ln((1 + n) / (1 + df)) + 1`` (df = attendees listing the topic), divided by
  ``sqrt(len(a.offers) * len(b.needs))`` so listing every topic buys nothing;
* free text: the cosine similarity of TF-IDF vectors (scikit-learn) of a's offers and
  b's needs (text plus topic names), over language-neutral word keys from
  :mod:`meetmatch.matching.text`, times ``TEXT_WEIGHT``.

``mutual_score(x, y) = 2 * min(x, y) + (1 - mutuality) * |x - y|`` for benefits x, y.
It is symmetric, zero when neither benefits, equals x + y for a balanced pair, and a
lopsided pair with the same total scores ``mutuality * |x - y|`` less. With the default
mutuality 0.9 a one-sided benefit counts a tenth: a meeting where only one person gains
is worth far less than one where both do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .problem import DEFAULT_MUTUALITY, Participant, Problem
from .text import matched_phrases, text_keys

TEXT_WEIGHT = 2.0
BLOCK_ROWS = 512


def mutual_score(x, y, mutuality: float = DEFAULT_MUTUALITY):
    """Symmetric worth of a meeting from the two benefits x = a->b and y = b->a.

    Works on floats and elementwise on numpy arrays.
    """
    if np.ndim(x) == 0 and np.ndim(y) == 0:
        return 2.0 * min(float(x), float(y)) + (1.0 - mutuality) * abs(float(x) - float(y))
    return 2.0 * np.minimum(x, y) + (1.0 - mutuality) * np.abs(np.subtract(x, y))


@dataclass(frozen=True)
class Explanation:
    """Why a meeting is worth having: what each side gives, and the sentence for people."""

    a_gives: list[str]
    b_gives: list[str]
    text: str


def _topic(tag: str) -> str:
    return re.sub(r"\s+", " ", tag.strip().lower())


def _first_name(p: Participant) -> str:
    parts = p.name.split()
    return parts[0] if parts else p.id


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class ScoreModel:
    """The scores of a whole event, computed once with sparse matrix products.

    ``ids`` are the attendee ids in canonical (sorted) order; row ``i`` of every matrix is
    ``ids[i]``. Use :meth:`blocks` to stream the dense mutual scores a block of rows at a
    time, :meth:`mutual` / :meth:`benefit` for one pair and :meth:`explain` for the reason.
    """

    def __init__(self, problem: Problem):
        people = sorted(problem.attendees, key=lambda p: p.id)
        self.people: tuple[Participant, ...] = tuple(people)
        self.ids: tuple[str, ...] = tuple(p.id for p in people)
        self.index: dict[str, int] = {pid: i for i, pid in enumerate(self.ids)}
        self.mutuality = problem.mutuality
        self.n = n = len(people)
        self.from_weights = problem.weights is not None
        if self.from_weights:
            rows, cols, vals = [], [], []
            for a, b, w in problem.weights or ():
                i, j = self.index[a], self.index[b]
                rows += [i, j]
                cols += [j, i]
                vals += [float(w), float(w)]
            self._weights = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
            return
        # Topics: one column per distinct topic (canonical order), rarity-weighted.
        offers = [sorted({_topic(t) for t in p.offers if t.strip()}) for p in people]
        needs = [sorted({_topic(t) for t in p.needs if t.strip()}) for p in people]
        self._display: dict[str, str] = {}
        for p in people:
            for t in (*p.offers, *p.needs):
                self._display.setdefault(_topic(t), t.strip())
        topics = sorted({t for lst in offers + needs for t in lst})
        col = {t: k for k, t in enumerate(topics)}
        df = np.zeros(len(topics))
        for i in range(n):
            for t in set(offers[i]) | set(needs[i]):
                df[col[t]] += 1
        self.topic_idf = {t: math.log((1 + n) / (1 + df[col[t]])) + 1 for t in topics}
        self._offers = [set(x) for x in offers]
        self._needs = [set(x) for x in needs]
        self._tag_offer = self._tag_matrix(offers, col, None)
        self._tag_need = self._tag_matrix(needs, col, np.log((1 + n) / (1 + df)) + 1)
        # Free text (with the topic names, so a topic can meet a sentence).
        offer_docs = [p.offers_text + " . " + " . ".join(p.offers) for p in people]
        need_docs = [p.needs_text + " . " + " . ".join(p.needs) for p in people]
        self._offer_keys = [set(text_keys(d)) for d in offer_docs]
        self._need_keys = [set(text_keys(d)) for d in need_docs]
        if any(self._offer_keys) and any(self._need_keys):
            vec = TfidfVectorizer(analyzer=text_keys, sublinear_tf=True, norm="l2",
                                  dtype=np.float64)
            vec.fit(offer_docs + need_docs)
            self._text_offer = vec.transform(offer_docs).tocsr() * TEXT_WEIGHT
            self._text_need = vec.transform(need_docs).tocsr()
        else:
            self._text_offer = sp.csr_matrix((n, 1))
            self._text_need = sp.csr_matrix((n, 1))

    def _tag_matrix(self, lists, col, weight) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for i, lst in enumerate(lists):
            for t in lst:
                rows.append(i)
                cols.append(col[t])
                w = 1.0 if weight is None else weight[col[t]]
                vals.append(w / math.sqrt(len(lst)))
        return sp.csr_matrix((vals, (rows, cols)), shape=(self.n, max(1, len(col))))

    # ------------------------------------------------------------ benefits and scores
    def benefit_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense benefit(rows -> everyone) and benefit(everyone -> rows), each |rows| x n."""
        if self.from_weights:
            w = self._weights[rows].toarray() / 2.0
            return w, w
        give = (self._tag_offer[rows] @ self._tag_need.T
                + self._text_offer[rows] @ self._text_need.T)
        get = (self._tag_need[rows] @ self._tag_offer.T
               + self._text_need[rows] @ self._text_offer.T)
        return np.asarray(give.todense()), np.asarray(get.todense())

    def blocks(self, block_rows: int = BLOCK_ROWS) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (rows, mutual scores of rows x everyone) in blocks of rows, canonical order."""
        for start in range(0, self.n, block_rows):
            rows = np.arange(start, min(self.n, start + block_rows))
            if self.from_weights:
                yield rows, self._weights[rows].toarray()
                continue
            give, get = self.benefit_rows(rows)
            yield rows, mutual_score(give, get, self.mutuality)

    def benefit(self, a: str, b: str) -> float:
        """benefit(a -> b): how much of what a offers meets what b needs."""
        give, _ = self.benefit_rows(np.array([self.index[a]]))
        return float(give[0, self.index[b]])

    def mutual(self, a: str, b: str) -> float:
        """The mutual score of the pair (symmetric)."""
        i, j = self.index[a], self.index[b]
        if self.from_weights:
            return float(self._weights[i, j])
        give, get = self.benefit_rows(np.array([i]))
        return float(mutual_score(float(give[0, j]), float(get[0, j]), self.mutuality))

    # ------------------------------------------------------------------ explanations
    def _gives(self, i: int, j: int) -> list[str]:
        """The items i offers that j needs: exact topics, related topics, then text phrases."""
        exact = sorted(self._offers[i] & self._needs[j],
                       key=lambda t: (-self.topic_idf[t], t))
        common = self._offer_keys[i] & self._need_keys[j]
        items = [self._display[t] for t in exact]
        covered = {k for t in exact for k in text_keys(t)}
        for t in sorted(self._offers[i] - set(exact)):
            keys = set(text_keys(t))
            if keys & common:
                items.append(self._display[t])
                covered |= keys
        rest = common - covered
        if rest:
            items += [p for p in matched_phrases(self.people[i].offers_text, rest)]
        return items

    def explain(self, a: str, b: str) -> Explanation:
        """Plain-words reason for a meeting between a and b, both directions named."""
        i, j = self.index[a], self.index[b]
        pa, pb = self.people[i], self.people[j]
        na, nb = _first_name(pa), _first_name(pb)
        if self.from_weights:
            w = float(self._weights[i, j])
            return Explanation([], [], f"The organiser rated a meeting between {na} and {nb} "
                                       f"at {w:g}.")
        a_gives, b_gives = self._gives(i, j), self._gives(j, i)
        parts = []
        if a_gives:
            parts.append(f"{na} offers {_join(a_gives)}, which {nb} needs")
        if b_gives:
            parts.append(f"{nb} offers {_join(b_gives)}, which {na} needs")
        if not parts:
            text = f"{na} and {nb} have no listed offer or need in common."
        else:
            text = "; ".join(parts) + "."
        return Explanation(a_gives, b_gives, text)


def score_event(problem: Problem) -> ScoreModel:
    """Compute the scores of a whole event once (sparse); see :class:`ScoreModel`."""
    return ScoreModel(problem)


def benefit(a: Participant, b: Participant, *others: Participant) -> float:
    """benefit(a -> b) for two profiles, with topic rarity taken over a, b and ``others``.

    For a whole event use :func:`score_event` instead (it computes everything once).
    """
    model = ScoreModel(Problem(rounds=1, attendees=(a, b, *others)))
    return model.benefit(a.id, b.id)


def explain(a: Participant, b: Participant, *others: Participant) -> Explanation:
    """The reason for a meeting between two profiles (see :meth:`ScoreModel.explain`)."""
    return ScoreModel(Problem(rounds=1, attendees=(a, b, *others))).explain(a.id, b.id)
