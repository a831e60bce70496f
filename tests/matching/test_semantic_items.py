"""Items: how profiles are split, and how quotes are shortened (no model needed)."""

from __future__ import annotations

import pytest

from meetmatch.matching import Participant
from meetmatch.matching.items import profile_items, shorten, split_clauses


@pytest.mark.parametrize("text, clauses", [
    ("Our web shop is painfully slow on phones. We also need SEO!",
     ["Our web shop is painfully slow on phones", "We also need SEO"]),
    ("Audits; SEO\nHosting", ["Audits", "SEO", "Hosting"]),
    ("- design sprints\n- user interviews\n* etc.", ["design sprints", "user interviews"]),
    ("Bookkeeping, payroll and VAT returns for small firms, annual reports",
     ["Bookkeeping", "payroll", "VAT returns for small firms", "annual reports"]),
    ("Sales and marketing", ["Sales and marketing"]),
    ("We are growing fast and have no HR processes at all",
     ["We are growing fast and have no HR processes at all"]),
    ("Vi letar efter en redovisningsbyrå; och", ["Vi letar efter en redovisningsbyrå"]),
    ("Revenue grew 2.5 times. Good margins", ["Revenue grew 2.5 times", "Good margins"]),
])
def test_split_clauses(text, clauses):
    assert split_clauses(text) == clauses


def test_profile_items_topics_first_and_no_repeats():
    p = Participant(id="a", name="A", offers=("Seed funding", "seed  funding"),
                    offers_text="Seed funding. Board work for SaaS companies.")
    items = profile_items(p, "offer")
    assert [(i.text, i.topic) for i in items] == [("Seed funding", True),
                                                  ("Board work for SaaS companies", False)]


def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis():
    text = "someone who has grown an engineering team from 5 to 50 people in two years"
    short = shorten(text, 60)
    assert short == "someone who has grown an engineering team from 5 to 50\u2026"
    assert len(short) <= 60
    assert shorten("front-end performance audits") == "front-end performance audits"
