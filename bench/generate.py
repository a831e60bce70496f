"""Realistic synthetic networking events for the benchmark (deterministic for a seed).

Roles (founders, investors, corporates, mentors, service providers, job seekers) offer and
need different things; topics have a popular head and a long tail of niche topics; profiles
carry English or Swedish free text; some attendees come for part of the day and a few
investors and exhibitors hold a host table.
"""

from __future__ import annotations

import random

HEAD = ["seed funding", "series a", "ux design", "recruiting developers", "sales",
        "marketing", "mentoring", "pilot customers", "partnerships", "legal advice",
        "cloud infrastructure", "data science", "ai", "fintech", "healthtech", "climate",
        "go-to-market", "pricing", "product management", "co-founder"]
NICHE_STEMS = ["edge", "quantum", "agri", "bio", "maritime", "space", "retail", "gaming",
               "edtech", "proptech", "insurtech", "logistics", "battery", "textile", "forest",
               "mining", "music", "sports", "legal", "hr"]
NICHE_KINDS = ["sensors", "analytics", "robotics", "compliance", "marketplaces", "hardware",
               "platforms", "certification", "supply chains", "payments"]

ROLES = {  # weight, offers (head topics), needs (head topics)
    "founder": (0.40, ["ux design", "pilot customers", "partnerships", "data science", "ai",
                       "co-founder", "product management"],
                ["seed funding", "series a", "recruiting developers", "mentoring",
                 "pilot customers", "legal advice", "go-to-market", "pricing", "sales"]),
    "investor": (0.12, ["seed funding", "series a", "mentoring", "go-to-market"],
                 ["fintech", "healthtech", "climate", "ai", "co-founder", "data science"]),
    "corporate": (0.18, ["pilot customers", "partnerships", "cloud infrastructure", "sales"],
                  ["ai", "data science", "climate", "healthtech", "fintech", "ux design"]),
    "mentor": (0.12, ["mentoring", "go-to-market", "pricing", "sales", "marketing"],
               ["fintech", "climate", "co-founder", "partnerships"]),
    "provider": (0.10, ["legal advice", "recruiting developers", "marketing",
                        "cloud infrastructure", "ux design"],
                 ["pilot customers", "sales", "partnerships"]),
    "jobseeker": (0.08, ["data science", "product management", "ux design", "sales"],
                  ["recruiting developers", "mentoring", "partnerships"]),
}
TEXT_EN = {
    "seed funding": "investing in early-stage startups", "series a": "series A investments",
    "recruiting developers": "recruiting software developers", "mentoring": "mentoring founders",
    "pilot customers": "pilot customers for new products", "ux design": "user experience design",
    "data science": "data science and machine learning", "sales": "B2B sales",
    "legal advice": "legal advice on contracts", "climate": "climate tech",
}
TEXT_SV = {
    "seed funding": "investerar i startups i tidig fas", "series a": "investeringar i serie A",
    "recruiting developers": "rekrytering av utvecklare", "mentoring": "mentorskap för grundare",
    "pilot customers": "pilotkunder för nya produkter", "ux design": "design av användarupplevelse",
    "data science": "dataanalys och maskininlärning", "sales": "försäljning till företag",
    "legal advice": "juridisk rådgivning om avtal", "climate": "klimatteknik",
}
TEXT_NEED_EN = {"seed funding": "looking for investors", "recruiting developers":
                "we need to recruit developers", "mentoring": "want a mentor",
                "pilot customers": "searching for pilot customers", "sales": "need sales help",
                "legal advice": "need legal advice", "ux design": "need a UX designer"}
TEXT_NEED_SV = {"seed funding": "söker investerare", "recruiting developers":
                "vi behöver rekrytera utvecklare", "mentoring": "söker en mentor",
                "pilot customers": "söker pilotkunder", "sales": "behöver hjälp med försäljning",
                "legal advice": "behöver juridisk rådgivning",
                "ux design": "behöver en designer för användarupplevelse"}


def generate(n: int, rounds: int, seed: int = 1, *, min_meetings: int | None = None,
             partial: float = 0.15, hosts: float = 0.03, tables: bool = False,
             topics_only: bool = False) -> dict:
    """An event as the JSON input dict: ``n`` attendees, ``rounds`` rounds.

    ``topics_only`` leaves out the free text (the same people and topics otherwise).
    """
    rng = random.Random(seed)
    niche = [f"{a} {b}" for a in NICHE_STEMS for b in NICHE_KINDS]
    rng.shuffle(niche)
    niche = niche[: max(20, n // 8)]
    roles = list(ROLES)
    weights = [ROLES[r][0] for r in roles]
    attendees = []
    host_no = 0
    orgs = [f"Org {k}" for k in range(max(2, n // 3))]
    for k in range(n):
        role = rng.choices(roles, weights)[0]
        _, can_offer, can_need = ROLES[role]
        offers = rng.sample(can_offer, rng.randint(1, min(3, len(can_offer))))
        needs = rng.sample(can_need, rng.randint(1, min(3, len(can_need))))
        if rng.random() < 0.5:
            offers.append(rng.choice(niche[: len(niche) // 2]) if rng.random() < 0.6
                          else rng.choice(niche))
        if rng.random() < 0.5:
            needs.append(rng.choice(niche[: len(niche) // 2]) if rng.random() < 0.6
                         else rng.choice(niche))
        swedish = rng.random() < 0.4
        offer_text = TEXT_SV if swedish else TEXT_EN
        need_text = TEXT_NEED_SV if swedish else TEXT_NEED_EN
        offers_text = ", ".join(offer_text[t] for t in offers if t in offer_text and
                                rng.random() < 0.7)
        needs_text = ". ".join(need_text[t] for t in needs if t in need_text and
                               rng.random() < 0.7)
        a = {"id": f"p{k:05d}", "name": f"Person {k}", "organisation":
             rng.choice(orgs) if rng.random() < 0.5 else "",
             "role": role, "offers": [t for t in offers if rng.random() < 0.8] or offers[:1],
             "needs": [t for t in needs if rng.random() < 0.8] or needs[:1],
             "offers_text": offers_text, "needs_text": needs_text}
        if rng.random() < partial and rounds > 2:
            start = rng.randint(1, rounds - 1)
            length = rng.randint(max(1, rounds // 3), rounds - start + 1)
            a["available_rounds"] = list(range(start, start + length))
        if role in ("investor", "corporate") and rng.random() < hosts * 4:
            host_no += 1
            a["host_table"] = host_no
        attendees.append(a)
    if topics_only:
        for a in attendees:
            a["offers_text"] = a["needs_text"] = ""
    event = {"rounds": rounds, "attendees": attendees,
             "settings": {"min_meetings": min_meetings}}
    if tables:
        event["tables"] = host_no + n // 2
    return event


def round_robin(n: int) -> dict:
    """Uniform scores and n - 1 rounds: the optimum is a complete round robin."""
    ids = [f"q{k:03d}" for k in range(n)]
    return {"rounds": n - 1, "attendees": [{"id": i, "name": i} for i in ids],
            "weights": [[a, b, 1.0] for x, a in enumerate(ids) for b in ids[x + 1:]]}
