"""The pure matching engine: plain data in, a schedule out (no Flask, no database).

>>> from meetmatch.matching import Participant, Problem, solve
"""

from .problem import (
    DEFAULT_MUTUALITY,
    FixedMeeting,
    Participant,
    Problem,
    ProblemError,
    Settings,
    problem_from_dict,
)
from .result import (
    Meeting,
    Result,
    RoundResult,
    ScheduledMeeting,
    SolveStatus,
    result_to_dict,
)
from .rules import (
    Placement,
    Rule,
    Violation,
    meeting_violations,
    placements,
    schedule_violations,
)
from .scoring import Explanation, ScoreModel, benefit, explain, mutual_score, score_event
from .solve import solve

__all__ = [
    "DEFAULT_MUTUALITY", "Explanation", "FixedMeeting", "Meeting", "Participant", "Placement",
    "Problem", "ProblemError", "Result", "RoundResult", "Rule", "ScheduledMeeting",
    "ScoreModel", "Settings", "SolveStatus", "Violation", "benefit", "explain",
    "meeting_violations", "mutual_score", "placements", "problem_from_dict", "result_to_dict",
    "schedule_violations", "score_event", "solve",
]
