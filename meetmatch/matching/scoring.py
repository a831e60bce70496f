"""What a meeting is worth: benefit in each direction, the mutual score, and the reason.

``benefit(a -> b)`` is how well a's offer items answer b's need items (topics and the
sentences of the free text; see :mod:`meetmatch.matching.semantic`). With an encoder
(the default in the web app and ``meetmatch solve`` is multilingual e5, see
:mod:`meetmatch.matching.encoders`) it reads meaning in English and Swedish; without one,
the lexical scorer matches words and their inflections. Unrelated profiles score exactly
0 either way, so "a pair with score 0 never meets" means "nothing to gain".

``mutual_score(x, y) = 2 * min(x, y) + (1 - mutuality) * |x - y|`` for benefits x, y.
It is symmetric, zero when neither benefits, equals x + y for a balanced pair, and a
lopsided pair with the same total scores ``mutuality * |x - y|`` less. With the default
mutuality 0.9 a one-sided benefit counts a tenth: a meeting where only one person gains
is worth far less than one where both do.

A **two-way** meeting is one where both benefits reach :data:`TWO_WAY_THRESHOLD` (each
person has at least one need answered clearly, gain >= 0.25 of a full match);
:func:`two_way_share` is their fraction of a schedule.

Usage::

    scores = score_event(problem, encoder="e5-small", cache=DirectoryCache("vectors"))
    scores.scorer                      # "e5-small", or "lexical" if the model can't load
    scores.mutual("p1", "p2"); scores.is_two_way("p1", "p2")
    e = scores.explain("p1", "p2")     # reasons.Explanation
    third_person(e); second_person(e, viewer="p1", lang="sv")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from . import semantic
from .encoders import Encoder, VectorCache, load_encoder
from .problem import DEFAULT_MUTUALITY, Participant, Problem
from .reasons import LOOSE, Explanation, Match, second_person, third_person

BLOCK_ROWS = 512
# Each direction's benefit must reach this for a two-way meeting; a reason calls a weaker
# direction "a loose match" (one number, kept in reasons.py, which scoring imports).
TWO_WAY_THRESHOLD = LOOSE
WEIGHTS = "weights"  # ScoreModel.scorer when the organiser gave the scores

__all__ = ["BLOCK_ROWS", "Explanation", "Match", "ScoreModel", "TWO_WAY_THRESHOLD", "benefit",
           "explain", "mutual_score", "score_event", "second_person", "third_person",
           "two_way_share"]


def mutual_score(x, y, mutuality: float = DEFAULT_MUTUALITY):
    """Symmetric worth of a meeting from the two benefits x = a->b and y = b->a.

    Works on floats and elementwise on numpy arrays.
    """
    if np.ndim(x) == 0 and np.ndim(y) == 0:
        return 2.0 * min(float(x), float(y)) + (1.0 - mutuality) * abs(float(x) - float(y))
    return 2.0 * np.minimum(x, y) + (1.0 - mutuality) * np.abs(np.subtract(x, y))


def _first_name(p: Participant) -> str:
    parts = p.name.split()
    return parts[0] if parts else p.id


class ScoreModel:
    """The scores of a whole event, computed once.

    ``ids`` are the attendee ids in canonical (sorted) order; row ``i`` of every matrix is
    ``ids[i]``. Use :meth:`blocks` to stream the mutual scores a block of rows at a time,
    :meth:`mutual` / :meth:`benefit` / :meth:`is_two_way` for one pair and :meth:`explain`
    for the reason (:meth:`explain_many` for a whole schedule). ``scorer`` names what
    produced the benefits: an encoder name such as "e5-small", "lexical", or "weights" (the
    organiser's weights, used as given).
    """

    def __init__(self, problem: Problem, encoder: Encoder | None = None,
                 cache: VectorCache | None = None):
        people = sorted(problem.attendees, key=lambda p: p.id)
        self.people: tuple[Participant, ...] = tuple(people)
        self.ids: tuple[str, ...] = tuple(p.id for p in people)
        self.index: dict[str, int] = {pid: i for i, pid in enumerate(self.ids)}
        self.mutuality = problem.mutuality
        self.n = n = len(people)
        self.from_weights = problem.weights is not None
        if self.from_weights:
            self.scorer = WEIGHTS
            rows, cols, vals = [], [], []
            for a, b, w in problem.weights or ():
                i, j = self.index[a], self.index[b]
                rows += [i, j]
                cols += [j, i]
                vals += [float(w), float(w)]
            self._weights = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
            return
        self.items = semantic.EventItems(people)
        self.gains = semantic.make_gains(self.items, encoder, cache)
        self.scorer: str = self.gains.name
        self._benefit = semantic.benefit_matrix(self.items, self.gains)

    # ------------------------------------------------------------ benefits and scores
    def benefit_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense benefit(rows -> everyone) and benefit(everyone -> rows), each |rows| x n."""
        if self.from_weights:
            w = self._weights[rows].toarray() / 2.0
            return w, w
        return self._benefit[rows], self._benefit[:, rows].T

    def blocks(self, block_rows: int = BLOCK_ROWS) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (rows, mutual scores of rows x everyone) in blocks of rows, canonical order."""
        for start in range(0, self.n, block_rows):
            rows = np.arange(start, min(self.n, start + block_rows))
            if self.from_weights:
                yield rows, self._weights[rows].toarray()
                continue
            give, get = self.benefit_rows(rows)
            yield rows, mutual_score(give.astype(np.float64), get.astype(np.float64),
                                     self.mutuality)

    def benefit(self, a: str, b: str) -> float:
        """benefit(a -> b): how much of what a offers meets what b needs."""
        i, j = self.index[a], self.index[b]
        if self.from_weights:
            return float(self._weights[i, j]) / 2.0
        return float(self._benefit[i, j])

    def mutual(self, a: str, b: str) -> float:
        """The mutual score of the pair (symmetric)."""
        i, j = self.index[a], self.index[b]
        if self.from_weights:
            return float(self._weights[i, j])
        return float(mutual_score(float(self._benefit[i, j]), float(self._benefit[j, i]),
                                  self.mutuality))

    def is_two_way(self, a: str, b: str) -> bool:
        """Whether both gain: each direction's benefit reaches TWO_WAY_THRESHOLD.

        With organiser weights there is no direction: any positive weight counts.
        """
        if self.from_weights:
            return self.mutual(a, b) > 0
        return min(self.benefit(a, b), self.benefit(b, a)) >= TWO_WAY_THRESHOLD

    # ------------------------------------------------------------------ explanations
    def explain(self, a: str, b: str) -> Explanation:
        """Why a and b should meet: each side's offers that answer the other's needs.

        Render with :func:`third_person` (organisers) or :func:`second_person` (attendees).
        """
        return self.explain_many([(a, b)])[0]

    def explain_many(self, pairs: Sequence[tuple[str, str]]) -> list[Explanation]:
        """:meth:`explain` for many pairs at once (a schedule's meetings), in their order.

        The same Explanations as one pair at a time, at a fraction of the cost: the item
        gains are computed once per person for all their meetings.
        """
        idx = [(self.index[a], self.index[b]) for a, b in pairs]
        names = [(_first_name(self.people[i]), _first_name(self.people[j])) for i, j in idx]
        if self.from_weights:
            return [Explanation(a, b, na, nb, weight=float(self._weights[i, j]),
                                two_way=self.is_two_way(a, b))
                    for (a, b), (i, j), (na, nb) in zip(pairs, idx, names, strict=True)]
        matches = semantic.matches_many(self.items, self.gains,
                                        [d for i, j in idx for d in ((i, j), (j, i))])
        ends = np.array(idx, dtype=np.int64).reshape(-1, 2)
        ab = self._benefit[ends[:, 0], ends[:, 1]].tolist()
        ba = self._benefit[ends[:, 1], ends[:, 0]].tolist()
        return [Explanation(a, b, na, nb, a_to_b=matches[2 * k], b_to_a=matches[2 * k + 1],
                            benefit_ab=round(x, 6), benefit_ba=round(y, 6),
                            two_way=min(x, y) >= TWO_WAY_THRESHOLD)
                for k, ((a, b), (na, nb), x, y) in enumerate(zip(pairs, names, ab, ba,
                                                                  strict=True))]


def score_event(problem: Problem, encoder: Encoder | str | None = None,
                cache: VectorCache | None = None) -> ScoreModel:
    """Compute the scores of a whole event once; see :class:`ScoreModel`.

    ``encoder``: an :class:`~meetmatch.matching.encoders.Encoder`, a scorer name for
    :func:`~meetmatch.matching.encoders.load_encoder` ("e5-small", "lexical"), or None
    for the lexical scorer. ``cache`` keeps vectors between runs (only missing item
    texts are encoded). Organiser weights in ``problem`` are used as given.
    """
    if isinstance(encoder, str):
        encoder = load_encoder(encoder) if problem.weights is None else None
    return ScoreModel(problem, encoder=encoder, cache=cache)


def two_way_share(scores: ScoreModel, pairs: Iterable[tuple[str, str]]) -> float:
    """The fraction of ``pairs`` (meetings as (a, b) ids) that are two-way; 0.0 for none."""
    pairs = list(pairs)
    if not pairs:
        return 0.0
    return sum(scores.is_two_way(a, b) for a, b in pairs) / len(pairs)


def benefit(a: Participant, b: Participant, *others: Participant,
            encoder: Encoder | str | None = None) -> float:
    """benefit(a -> b) for two profiles, calibrated over a, b and ``others``.

    For a whole event use :func:`score_event` instead (it computes everything once).
    """
    return score_event(Problem(rounds=1, attendees=(a, b, *others)), encoder).benefit(a.id, b.id)


def explain(a: Participant, b: Participant, *others: Participant,
            encoder: Encoder | str | None = None) -> Explanation:
    """The reason for a meeting between two profiles (see :meth:`ScoreModel.explain`)."""
    return score_event(Problem(rounds=1, attendees=(a, b, *others)), encoder).explain(a.id, b.id)
