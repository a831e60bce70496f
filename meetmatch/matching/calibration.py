"""Calibration: from raw cosine similarity to a gain that is 0 for unrelated text.

Raw cosines of e5 sit in a narrow band (about 0.70-0.88) for related and unrelated text
alike, and some items ("help with growth") are close to everything. So each similarity
``s`` between need item ``u`` and offer item ``v`` is compared with the population:

* ``z_need = (s - mean_u) / sd_u`` -- how far v stands out among all offers for need u;
* ``z_offer = (s - mean_v) / sd_v`` -- how far u stands out among all needs for offer v
  (this tames "hub" items that are near everything);
* ``z = (z_need + z_offer) / 2`` and ``gain = clip((z - Z_ZERO) / (Z_FULL - Z_ZERO), 0, 1)``.

Means and spreads are exact and cheap: the mean of ``u . v`` over a population V is
``u . mean(V)`` and its variance ``u' Cov(V) u``. The population is the event's distinct
items pooled with :data:`BACKGROUND_OFFERS` / :data:`BACKGROUND_NEEDS` (typical profile
lines of a networking event, English and Swedish), so the statistics are sound for an
event of two people and are dominated by the event itself for a big one. ``Z_ZERO`` and
``Z_FULL`` were fitted on the labelled set in bench/semantic (see bench/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z_ZERO = 1.8  # below this many spreads above typical, a match is noise: gain 0
Z_FULL = 3.6  # at this many spreads above typical, a need is squarely answered: gain 1
BACKGROUND_WEIGHT = 1.0  # each background item counts like one event item

BACKGROUND_OFFERS_EN = (
    "I can introduce you to angel investors in the Nordics",
    "ten years as a CFO in retail",
    "hands-on help with cloud cost optimisation",
    "I run a design studio for mobile apps",
    "employment law advice",
    "we build custom ERP integrations",
    "mentoring first-time founders",
    "growth marketing for consumer brands",
    "I teach negotiation skills",
    "translation between English, Swedish and German",
    "product photography and video",
    "experience selling to the public sector",
    "we offer office space in central Malmö",
    "penetration testing and security reviews",
    "I know the Japanese market well",
    "supply chain consulting for food producers",
    "we print packaging on demand",
    "leadership coaching for new managers",
    "patent and trademark filings",
    "event planning and catering contacts",
    "data engineering with Python and SQL",
    "I can review your pitch deck",
    "recruiting sales people",
    "accounting software for farms",
    "podcast production",
    "renewable energy project finance",
)
BACKGROUND_OFFERS_SV = (
    "vi erbjuder lokaler för kontor och lager",
    "jag har drivit restaurang i femton år",
    "hjälp med offentlig upphandling",
    "rådgivning inom arbetsrätt",
    "vi utvecklar appar för vården",
    "kontakter inom fordonsindustrin",
    "coachning för chefer",
    "jag skriver texter för webben",
    "hållbarhetsrapportering enligt CSRD",
    "översättning och lokalisering",
    "vi säljer begagnade kontorsmöbler",
    "kunskap om EU-bidrag och Vinnova",
    "fotografering av produkter",
    "IT-support för små kontor",
)

BACKGROUND_NEEDS_EN = (
    "looking for a co-founder with technical skills",
    "we need an accountant",
    "how do we price our subscription",
    "searching for a warehouse near Gothenburg",
    "someone to help us with press relations",
    "we want to expand to Germany",
    "need a lawyer for a shareholder agreement",
    "looking for beta testers",
    "our website needs a redesign",
    "advice on hiring our first salesperson",
    "we need funding for a prototype",
    "how to get into retail chains",
    "a mentor who has sold a company",
    "help with our data strategy",
    "looking for a good bookkeeper",
    "we want to reduce our energy costs",
    "need a supplier of recycled plastics",
    "introductions to hospitals",
    "how to write a grant application",
    "looking for an office to rent",
    "we struggle with employee turnover",
    "a developer for a short contract",
    "feedback on our brand",
    "partners in the logistics industry",
)
BACKGROUND_NEEDS_SV = (
    "vi söker en CTO",
    "vi behöver hjälp med marknadsföring i sociala medier",
    "söker investerare till vårt bolag",
    "hur sätter vi rätt pris",
    "vi vill hitta återförsäljare i Norge",
    "behöver juridisk hjälp med avtal",
    "söker praktikanter",
    "vi letar efter en lokal i Stockholm",
    "råd om export till USA",
    "vi behöver en ny webbplats",
    "någon som kan GDPR",
    "söker en mentor inom ledarskap",
    "hjälp att skriva affärsplan",
    "kontakt med kommunen",
    "vi behöver bättre rutiner för lager",
    "söker samarbetspartner inom turism",
)


BACKGROUND_OFFERS = BACKGROUND_OFFERS_EN + BACKGROUND_OFFERS_SV
BACKGROUND_NEEDS = BACKGROUND_NEEDS_EN + BACKGROUND_NEEDS_SV


def language_axis(english: np.ndarray, swedish: np.ndarray) -> np.ndarray:
    """Unit vector from the English to the Swedish background items' centre.

    Texts in one language sit closer to each other than to the same meaning in the other
    language; projecting this axis out lets a Swedish need find an English offer.
    """
    axis = swedish.mean(axis=0) - english.mean(axis=0)
    return (axis / np.linalg.norm(axis)).astype(np.float32)


def centred(vectors: np.ndarray, mean: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """``vectors`` minus their side's mean and their language component, unit length."""
    x = vectors - mean[None, :]
    x -= np.outer(x @ axis, axis)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norms > 0, norms, 1.0)).astype(np.float32)


@dataclass(frozen=True)
class Population:
    """Mean vector and second-moment matrix of a set of unit vectors (for the spreads)."""

    mean: np.ndarray  # (dim,)
    second: np.ndarray  # (dim, dim): E[v v']
    count: float

    @classmethod
    def of(cls, vectors: np.ndarray, weight: float = 1.0) -> Population:
        v = np.asarray(vectors, dtype=np.float64)
        if len(v) == 0:
            return cls(np.zeros(v.shape[1]), np.zeros((v.shape[1], v.shape[1])), 0.0)
        return cls(v.mean(axis=0), v.T @ v / len(v), float(len(v)) * weight)

    def pooled(self, other: Population) -> Population:
        total = self.count + other.count
        if total == 0:
            return self
        a, b = self.count / total, other.count / total
        return Population(a * self.mean + b * other.mean, a * self.second + b * other.second,
                          total)

    def stats(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean, spread) of ``vectors[k] . v`` over the population, for each row k."""
        x = np.asarray(vectors, dtype=np.float64)
        mean = x @ self.mean
        var = ((x @ self.second) * x).sum(axis=1) - mean ** 2
        return mean.astype(np.float32), np.sqrt(np.maximum(var, 1e-6)).astype(np.float32)


def gains(sim: np.ndarray, need_mean: np.ndarray, need_sd: np.ndarray,
          offer_mean: np.ndarray, offer_sd: np.ndarray) -> np.ndarray:
    """Calibrated gains (0..1) from raw similarities ``sim`` (need rows x offer columns)."""
    z = sim - need_mean[:, None]
    z /= need_sd[:, None]
    z += (sim - offer_mean[None, :]) / offer_sd[None, :]
    z *= 0.5
    z -= Z_ZERO
    z *= 1.0 / (Z_FULL - Z_ZERO)
    np.clip(z, 0.0, 1.0, out=z)
    return z
