"""Calibration: from raw cosine similarity to a gain that is 0 for unrelated text.

Raw cosines of e5 sit in a narrow band (about 0.70-0.88) for related and unrelated text
alike, and some items ("help with growth") are close to everything. So each similarity
``s`` between need item ``u`` and offer item ``v`` is compared with the population:

* ``z_need = (s - typical_u) / spread_u`` -- how far v stands out among all offers for need u;
* ``z_offer = (s - typical_v) / spread_v`` -- how far u stands out among all needs for offer v
  (this tames "hub" items that are near everything);
* ``z = (z_need + z_offer) / 2`` and ``gain = 1 - exp(-max(0, z - Z_ZERO) / Z_SCALE)``: 0 up
  to ``Z_ZERO``, then rising and levelling off towards 1 without reaching it. A linear ramp
  capped at 1 (``Z_FULL`` 3.2, before) made every strong match equal, so the solver chose
  among a person's clearly good partners at random; the soft cap keeps their order.

"Typical" and "spread" are the median and the median absolute deviation (scaled to a normal's
sd) of the similarities over a population: the event's distinct items (an even sample of at
most :data:`SAMPLE`) pooled with :data:`BACKGROUND_OFFERS` / :data:`BACKGROUND_NEEDS`
(typical profile lines of a networking event, English and Swedish), so the statistics are
sound for an event of two people and are dominated by the event itself for a big one. Robust
statistics matter: a need that many offers of the event really answer ("investors for our
seed round" among eight investors) would raise a mean and a standard deviation and so hide
every good answer; the median and MAD stay where the unrelated items put them. ``Z_ZERO``
and ``Z_SCALE`` were fitted on the labelled sets in bench/semantic (see bench/README.md).
"""

from __future__ import annotations

import numpy as np

Z_ZERO = 1.8  # below this many spreads above typical, a match is noise: gain 0
Z_SCALE = 1.0  # gain 0.63 at Z_ZERO + 1 spread, 0.86 at + 2, 0.95 at + 3; never quite 1

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


SAMPLE = 2000  # event items (at most) each item's typical similarity is measured against


def robust_stats(x: np.ndarray, population: np.ndarray, block: int = 512
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(median, robust spread) of ``x[k] . v`` over the rows v of ``population``.

    The median and the median absolute deviation (scaled to a normal's sd) ignore the few
    items that really are related: a need that many offers answer keeps its typical
    similarity where unrelated offers put it, so each good answer still stands out.
    """
    med = np.empty(len(x), dtype=np.float32)
    spread = np.empty(len(x), dtype=np.float32)
    for start in range(0, len(x), block):
        sims = x[start:start + block] @ population.T
        m = np.median(sims, axis=1)
        med[start:start + block] = m
        mad = np.median(np.abs(sims - m[:, None]), axis=1) * 1.4826
        spread[start:start + block] = np.maximum(mad, 1e-3)
    return med, spread


def sample_rows(vectors: np.ndarray, limit: int = SAMPLE) -> np.ndarray:
    """At most ``limit`` rows of ``vectors``, evenly spaced (deterministic)."""
    if len(vectors) <= limit:
        return vectors
    return vectors[np.linspace(0, len(vectors) - 1, limit).astype(np.int64)]


def gains(sim: np.ndarray, need_typical: np.ndarray, need_spread: np.ndarray,
          offer_typical: np.ndarray, offer_spread: np.ndarray) -> np.ndarray:
    """Calibrated gains (0..1) from raw similarities ``sim`` (need rows x offer columns)."""
    z = sim - need_typical[:, None]
    z /= need_spread[:, None]
    z += (sim - offer_typical[None, :]) / offer_spread[None, :]
    z *= 0.5
    z -= Z_ZERO
    np.maximum(z, 0.0, out=z)
    z *= -1.0 / Z_SCALE
    np.exp(z, out=z)
    np.subtract(1.0, z, out=z)
    return z
