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
from .scoring import Explanation, ScoreModel, benefit, explain, mutual_score, score_event
from .solve import Meeting, Result, RoundResult, result_to_dict, solve

__all__ = [
    "DEFAULT_MUTUALITY", "Explanation", "FixedMeeting", "Meeting", "Participant", "Problem",
    "ProblemError", "Result", "RoundResult", "ScoreModel", "Settings", "benefit", "explain",
    "mutual_score", "problem_from_dict", "result_to_dict", "score_event", "solve",
]
