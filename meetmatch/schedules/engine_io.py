"""Engine input and output: an event's rows → a matching Problem; a Result → a saved version.

This is the one place that speaks both languages: attendee rows and the engine's string ids
(``str(attendee.id)``). Event rounds are numbered 1..R, the same numbers the engine uses.
Solver indices never leave ``matching``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from flask import current_app

from ..extensions import db
from ..i18n import _, force_locale, language_of_event
from ..matching import (
    FixedMeeting,
    Participant,
    Placement,
    Problem,
    ProblemError,
    Result,
    ScoreModel,
    Settings,
    meeting_violations,
    score_event,
    solve,
)
from ..matching.encoders import load_encoder
from ..models import Attendee, Event, PairRule, PairRuleKind, SavedMeeting, ScheduleVersion
from ..registration import active_attendees
from ..text_vectors import DatabaseVectorCache, scorer_name
from ..wishes import engine_wishes
from .diagnosis import request_problem
from .reasons import reason_json, two_way_share_of
from .rulebook import placement_of, violation_sentence
from .versions import copy_meeting, details_of, next_version_number


class BuildError(Exception):
    """The event cannot be turned into a valid problem; the message says what to change."""


@dataclass
class BuildInputs:
    problem: Problem
    held_rounds: int = 0
    based_on: ScheduleVersion | None = None
    kept: int = 0  # future meetings of the base version passed on unchanged
    notes: list[str] = field(default_factory=list)  # for the organiser: what was not kept, why
    scores: ScoreModel | None = None  # the event's scores, when already computed


# ------------------------------------------------------------------ rows → Problem


def participant(a: Attendee, n_rounds: int, allowed_rounds: set[int] | None = None,
                held: set[int] | frozenset[int] = frozenset()) -> Participant:
    """An attendee as the engine sees them, in an event of ``n_rounds`` rounds.

    ``allowed_rounds``: rounds still open on a rebuild; ``held``: held rounds in which the
    person already met someone (kept even if their availability has changed since)."""
    rounds = a.rounds_list
    if rounds is not None:
        # Rounds the organiser has since removed from the event are simply not there any more.
        rounds = [r for r in rounds if 1 <= r <= n_rounds]
    if allowed_rounds is not None:
        own = set(rounds if rounds is not None else allowed_rounds)
        rounds = sorted((own & allowed_rounds) | held)
    return Participant(
        id=str(a.id), name=a.name, organisation=a.organisation or "",
        offers=tuple(t.name for t in a.offers), needs=tuple(t.name for t in a.needs),
        offers_text=a.offers_text or "", needs_text=a.needs_text or "",
        available_rounds=tuple(rounds) if rounds is not None else None,
        max_meetings=a.max_meetings, host_table=a.host_table,
    )


def problem_from_event(event: Event, *, held_rounds: int = 0,
                       based_on: ScheduleVersion | None = None) -> BuildInputs:
    """The event's active attendees and rules as a Problem.

    With ``held_rounds`` and a ``based_on`` version (a rebuild), meetings of held rounds
    between active people are fixed, nobody gets a new meeting in a held round, and the base
    version's future meetings that the rulebook still allows are fixed too (kept as they
    were); ``notes`` says why each other one was not kept.
    Raises BuildError with a plain message when the inputs are not valid.
    """
    people = active_attendees(event)
    n_rounds = len(event.rounds)
    if n_rounds == 0:
        raise BuildError(_("The event has no rounds. Add rounds under Settings."))
    held: list[SavedMeeting] = []
    if based_on is not None:
        ids = {a.id for a in people}
        held = [m for m in based_on.meetings if m.round_number <= min(held_rounds, n_rounds)
                and sum(x in ids for x in m.people_ids) >= 2]
    held_busy: dict[int, set[int]] = {}
    for m in held:
        for x in m.people_ids:
            held_busy.setdefault(x, set()).add(m.round_number)
    future = None if held_rounds == 0 else set(range(held_rounds + 1, n_rounds + 1))
    participants = [participant(a, n_rounds, future, held_busy.get(a.id, set())) for a in people]
    active = {a.id for a in people}
    inputs = BuildInputs(_problem(event, people, participants, [_fixed(m, active) for m in held]),
                         held_rounds=held_rounds, based_on=based_on)
    if based_on is not None:
        _keep_future_meetings(inputs, event, people)
    return inputs


def _fixed(m: SavedMeeting, active: set[int] | None = None) -> FixedMeeting:
    """The saved meeting as a fixed one: of its people those still ``active`` (a trio whose
    third person left is the meeting of the other two)."""
    ids = [str(x) for x in m.people_ids if active is None or x in active]
    return FixedMeeting(ids[0], ids[1], m.round_number, m.table_number,
                        ids[2] if len(ids) > 2 else None)


def _problem(event: Event, people: list[Attendee], participants: list[Participant],
             fixed: list[FixedMeeting]) -> Problem:
    ids = {a.id for a in people}
    rules = db.session.execute(db.select(PairRule).filter_by(event_id=event.id)).scalars().all()

    def pairs(*kinds: PairRuleKind) -> tuple[tuple[str, str], ...]:
        return tuple((str(r.attendee_a_id), str(r.attendee_b_id)) for r in rules
                     if r.kind in kinds and r.attendee_a_id in ids and r.attendee_b_id in ids)

    try:
        return Problem(
            rounds=len(event.rounds),
            attendees=tuple(participants),
            tables=event.num_tables,
            settings=Settings(block_same_organisation=bool(event.block_same_organisation),
                              min_meetings=event.min_meetings, mutuality=event.mutuality,
                              wish_bonus=current_app.config.get("WISH_BONUS"),
                              allow_trios=bool(event.allow_trios),
                              compact=bool(event.compact)),
            # a meeting the organiser cancelled by hand is never planned again
            blocked_pairs=pairs(PairRuleKind.MUST_NOT_MEET, PairRuleKind.CANCELLED)
            + _history_pairs(event, people, rules, fixed),
            requested_pairs=pairs(PairRuleKind.MUST_MEET),
            fixed_meetings=tuple(fixed),
            wishes=engine_wishes(event, ids),  # attendees' wishes: see matching/wishes.py
        )
    except ProblemError as error:
        raise BuildError(_explain_problem_error(error, people)) from error


def _history_pairs(event: Event, people: list[Attendee], rules: list[PairRule],
                   fixed: list[FixedMeeting]) -> tuple[tuple[str, str], ...]:
    """Pairs who met at the organiser's earlier events (``history``), unless the organiser asked
    for the meeting or it is already held."""
    from ..history import blocked_reasons

    exempt = {tuple(sorted((r.attendee_a_id, r.attendee_b_id))) for r in rules}
    exempt |= {tuple(sorted((int(f.a), int(f.b)))) for f in fixed}
    return tuple((str(a), str(b)) for a, b in sorted(blocked_reasons(event, people)) if (a, b) not in exempt)


def _keep_future_meetings(inputs: BuildInputs, event: Event, people: list[Attendee]) -> None:
    """Fix the base version's future meetings that break no rule of the rulebook, in time
    order, each checked against the held and kept ones before it; note why the others go.

    The same rules as the solver and hand edits: people who left, removed rounds, changed
    availability, host tables, tables, meeting rules, organisations, max meetings and pairs
    whose score is now 0 (the scores are computed once here and reused by the solve).
    """
    problem = inputs.problem
    inputs.scores = score_problem(problem)
    held = range(1, inputs.held_rounds + 1)
    by_id = {a.id: a for a in event.attendees}
    kept = [Placement(f.round, f.a, f.b, f.table, f.c) for f in problem.fixed_meetings]
    active = {a.id for a in people}
    fixed = list(problem.fixed_meetings)
    future = sorted((m for m in inputs.based_on.meetings if m.round_number > inputs.held_rounds),
                    key=lambda m: (m.round_number, m.table_number))
    for m in future:
        broken = meeting_violations(problem, kept, str(m.attendee_a_id), str(m.attendee_b_id),
                                    m.round_number, m.table_number, scores=inputs.scores,
                                    held_rounds=held, c=_third(m, active))
        if broken:
            inputs.notes.append(
                _("Not kept: %(a)s and %(b)s in round %(round)s (%(table)s).", a=m.attendee_a.name,
                  b=m.attendee_b.name, round=m.round_number, table=event.table_label(m.table_number))
                + " " + violation_sentence(broken[0], event, by_id))
            continue
        kept.append(placement_of(m)._replace(c=_third(m, active)))
        fixed.append(_fixed(m, active))
        inputs.kept += 1
    try:
        inputs.problem = replace(problem, fixed_meetings=tuple(fixed))
    except ProblemError as error:  # pragma: no cover - each kept meeting was checked above
        raise BuildError(_explain_problem_error(error, people)) from error


def _third(m: SavedMeeting, active: set[int]) -> str | None:
    """A trio's third person while still active (else the meeting is checked as a pair)."""
    return str(m.attendee_c_id) if m.attendee_c_id in active else None


def score_problem(problem: Problem) -> ScoreModel:
    """The event's score model: computed once per build, for the rebuild's checks and the solve.

    Worker only: it loads the text model the configuration names (``MEETMATCH_SCORER``) and
    encodes the items whose vectors are not stored yet (usually none: the worker encodes a
    profile when it is saved). Falls back to the lexical scorer when the model cannot load.
    """
    encoder = load_encoder(scorer_name())
    return score_event(problem, encoder=encoder,
                       cache=DatabaseVectorCache() if encoder is not None else None)


def participant_for_encoding(a: Attendee) -> Participant:
    """The attendee's offers and needs as the encoder reads them (rounds do not matter)."""
    return participant(a, max(1, len(a.event.rounds)))


def _explain_problem_error(error: ProblemError, people: list[Attendee]) -> str:
    """What the organiser reads when the event cannot become a valid problem: the attendee's
    name instead of an index, the setting in their words and what to change, in the current
    language (the engine's own message is English and names its fields, so it is only quoted
    for a fault that no organiser's input can cause)."""
    match = re.match(r"attendees\[(\d+)\]\.(\w+)", error.field)
    if match and int(match.group(1)) < len(people):
        person = people[int(match.group(1))]
        if match.group(2) == "host_table":
            return _("%(name)s has host table %(table)s, which the event does not have (it has "
                     "%(count)s tables). Change their host table, or raise the number of tables "
                     "in Settings.", name=person.name, table=person.host_table,
                     count=person.event.num_tables)
        if match.group(2) == "available_rounds":
            return _("%(name)s: the rounds they can attend do not fit the event's rounds. Edit the "
                     "rounds they can attend.", name=person.name)
        if match.group(2) == "max_meetings":
            return _("%(name)s: the most meetings they want must be a whole number, 0 or more. "
                     "Edit this attendee.", name=person.name)
        return _("%(name)s: part of their registration cannot be used for the schedule. Edit "
                 "this attendee.", name=person.name)
    advice = {
        "rounds": _("The event needs between 1 and 200 rounds. Change the rounds under Settings."),
        "tables": _("The number of tables must be 1 or more. Fix it under Settings."),
        "settings.min_meetings": _("Minimum meetings per attendee must be a whole number, 0 or "
                                   "more. Fix it under Settings."),
        "settings.mutuality": _("How strongly to prefer mutual benefit is out of range. Choose "
                                "one of its options under Settings."),
        "settings.wish_bonus": _("The server's wish bonus (MEETMATCH_WISH_BONUS) is out of range. "
                                 "Ask whoever runs meetmatch to correct it."),
    }.get(error.field)
    if advice is not None:
        return str(advice)
    return _("The schedule could not be built from the event's data (%(detail)s). Ask whoever "
             "runs meetmatch to look into it.", detail=str(error))


def inputs_fingerprint(problem: Problem) -> str:
    """SHA-256 of everything the solver sees: equal fingerprints give equal schedules."""
    data = json.dumps(asdict(problem), sort_keys=True, default=list)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def current_fingerprint(event: Event) -> str | None:
    try:
        return inputs_fingerprint(problem_from_event(event).problem)
    except BuildError:
        return None


# ------------------------------------------------------------------ Result → rows


def save_schedule(event: Event, inputs: BuildInputs, result: Result, seed: int) -> ScheduleVersion:
    """Store a solver result as a new draft version (held rounds copied exactly); commits."""
    names = {str(a.id): a.name for a in event.attendees}
    version = ScheduleVersion(
        event_id=event.id, number=next_version_number(event), status="draft",
        based_on_id=inputs.based_on.id if inputs.based_on else None,
        held_rounds=inputs.held_rounds, inputs_fingerprint=inputs_fingerprint(inputs.problem),
        seed=seed, solver_status=result.status, solver_message=result.message,
        objective=result.objective, upper_bound=result.upper_bound, gap=result.gap,
        wall_time=result.wall_time, scorer=result.scorer,
    )
    kept: dict[tuple, SavedMeeting] = {}
    if inputs.based_on is not None:
        for m in inputs.based_on.meetings:
            if m.round_number <= inputs.held_rounds:
                version.meetings.append(copy_meeting(m))
            else:
                kept[(m.round_number, m.table_number, frozenset(m.people_ids))] = m
    for rr in result.rounds:
        if rr.round <= inputs.held_rounds:
            continue
        for m in rr.meetings:
            same = kept.get((rr.round, m.table, frozenset(int(x) for x in m.people)))
            if same is not None:  # a kept meeting stays exactly as attendees were told
                version.meetings.append(copy_meeting(same))
                continue
            e = m.explanation
            version.meetings.append(SavedMeeting(
                round_number=rr.round, table_number=m.table, attendee_a_id=int(m.a),
                attendee_b_id=int(m.b), attendee_c_id=None if m.c is None else int(m.c),
                score=m.score, why=m.why, reason=reason_json(e, m.trio, m.two_way),
                benefit_ab=None if e is None else round(e.benefit_ab, 6),
                benefit_ba=None if e is None else round(e.benefit_ba, 6)))
    version.two_way_share = two_way_share_of(version.meetings)
    version.details = json.dumps({
        "problems": solver_problems(result, names, inputs.problem.wish_pairs.mutual),
        "short": [int(x) for x in result.short],
        "targets": {k: v for k, v in result.targets.items()},
        "kept": inputs.kept,
        "notes": inputs.notes,
        "joined": late_arrivals(inputs),
        "wishes": result.wishes,  # mutual / one-sided wishes and how many were met
    })
    db.session.add(version)
    db.session.commit()
    return version


def late_arrivals(inputs: BuildInputs) -> dict[str, int]:
    """Attendee id -> first round, for people a rebuild schedules who were not in the version it
    is based on (walk-ins): the rounds held before they came are not "sitting out" for them."""
    if inputs.based_on is None:
        return {}
    base = details_of(inputs.based_on)
    joined = dict(base.get("joined", {}))
    before = set(base.get("targets", {}))
    if not before:  # a version saved before targets were stored: nobody counts as late
        return joined
    for p in inputs.problem.attendees:
        if p.id not in before and p.id not in joined:
            joined[p.id] = inputs.held_rounds + 1
    return joined


def solver_problems(result: Result, names: dict[str, str],
                    mutual: frozenset[frozenset[str]] = frozenset()) -> list[dict[str, str]]:
    """What the solver could not satisfy (requested meetings, hard rules): the rule, for whom,
    and what to change. ``mutual``: pairs requested because both asked to meet (wishes)."""
    problems = []
    for a, b, why in result.unmet_requests:
        reason, advice = request_problem(a, b, why, names)  # names, never ids; fitting advice
        problems.append({
            # "rule" is a key (review.RULE_LABELS says it in the reader's language)
            "rule": "Mutual wish" if frozenset((a, b)) in mutual else "Requested meeting",
            "who": _("%(a)s and %(b)s", a=names.get(a, a), b=names.get(b, b)),
            "reason": reason, "advice": advice,
        })
    # Who is short is counted from the saved meetings when the page is shown
    # (``review.summary``), so the cards, the sentence and this list agree.
    if result.status == "infeasible":
        # the engine's message names attendee ids: the organiser reads the cause in words
        problems.append({"rule": "Hard rules", "who": _("the whole event"),
                         "reason": _("The meetings already held or kept break a rule together, so "
                                     "no schedule could be made."),
                         "advice": _("Remove a requested pair or add rounds or tables.")})
    return problems


def build_schedule(event: Event, *, progress: Callable[[dict], None] | None = None,
                   time_limit: float | None = None, seed: int | None = None,
                   held_rounds: int = 0, based_on: ScheduleVersion | None = None,
                   before_save: Callable[[], None] | None = None) -> ScheduleVersion:
    """problem_from_event → solve → save_schedule; raises BuildError on invalid inputs.

    ``before_save`` runs in the saving transaction (a job renews its lease there, or raises)."""
    config = current_app.config
    seed = int(config["SOLVER_SEED"] if seed is None else seed)
    limit = float(config["SOLVER_TIME_LIMIT"] if time_limit is None else time_limit)
    # The worker's texts for the organiser (a failed build, rebuild notes, problems) are saved
    # as words, in the event's language, like its printouts.
    with force_locale(language_of_event(event)):
        inputs = problem_from_event(event, held_rounds=held_rounds, based_on=based_on)
    db.session.commit()  # end the read transaction: the solve may take a while
    scores = inputs.scores or score_problem(inputs.problem)
    result = solve(inputs.problem, time_limit=limit, seed=seed,
                   workers=int(config["SOLVER_WORKERS"]), progress=progress, scores=scores)
    if before_save is not None:
        before_save()
    with force_locale(language_of_event(event)):
        return save_schedule(event, inputs, result, seed)
