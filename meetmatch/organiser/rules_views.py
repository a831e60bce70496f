"""All meeting rules of an event on one page: the event-wide settings and every pair rule."""

from __future__ import annotations

from flask import render_template

from .. import pair_rules
from ..models import Event, PairRuleKind
from ..security import own_event_view
from . import bp


@bp.get("/events/<slug>/rules")
@own_event_view
def event_rules(event: Event):
    """Every meeting rule of the event, with a way to remove each one."""
    rules = pair_rules.event_pair_rules(event)
    groups = [(kind, [r for r in rules if r.rule.kind == kind]) for kind in PairRuleKind]
    return render_template("organiser/event_rules.html", event=event, groups=groups, total=len(rules))
