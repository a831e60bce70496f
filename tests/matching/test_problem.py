"""Input validation: invalid input is rejected with a message naming the field."""

from __future__ import annotations

import pytest

from meetmatch.matching import (
    FixedMeeting,
    Participant,
    Problem,
    ProblemError,
    Settings,
    problem_from_dict,
)


def event(**over):
    d = {"rounds": 3, "attendees": [
        {"id": "p1", "name": "Alice", "offers": ["ux design"], "needs": ["seed funding"]},
        {"id": "p2", "name": "Bruno", "offers": ["seed funding"], "needs": ["ux design"]},
    ]}
    d.update(over)
    return d


def test_valid_event_with_unknown_keys_is_read():
    d = event(colour="blue")
    d["attendees"][0]["shoe_size"] = 44
    d["settings"] = {"min_meetings": 2, "mutuality": 0.5, "block_same_organisation": False,
                     "extra": 1}
    p = problem_from_dict(d)
    assert [a.id for a in p.attendees] == ["p1", "p2"]
    assert p.min_meetings == 2 and p.mutuality == 0.5
    assert p.settings.block_same_organisation is False


def test_defaults():
    p = problem_from_dict(event(rounds=6))
    assert p.min_meetings == 3
    assert problem_from_dict(event(rounds=2)).min_meetings == 2
    assert p.settings.block_same_organisation is True
    assert p.tables is None


@pytest.mark.parametrize("change, field", [
    (lambda d: d.pop("rounds"), "rounds"),
    (lambda d: d.update(rounds=0), "rounds"),
    (lambda d: d.update(rounds="six"), "rounds"),
    (lambda d: d.update(tables=0), "tables"),
    (lambda d: d["attendees"][1].update(available_rounds=[1, 9]),
     "attendees[1].available_rounds: round 9 is outside 1..3"),
    (lambda d: d["attendees"][0].update(max_meetings=-1), "attendees[0].max_meetings"),
    (lambda d: d["attendees"][0].update(offers="ux"), "attendees[0].offers"),
    (lambda d: d["attendees"][1].update(id="p1"), "attendees[1].id"),
    (lambda d: d["attendees"][0].pop("id"), "attendees[0].id"),
    (lambda d: d["attendees"][0].update(host_table=0), "attendees[0].host_table"),
    (lambda d: d.update(tables=2) or d["attendees"][0].update(host_table=5),
     "attendees[0].host_table"),
    (lambda d: d.update(blocked_pairs=[["p1", "zz"]]), "blocked_pairs[0]"),
    (lambda d: d.update(requested_pairs=[["p1", "p1"]]), "requested_pairs[0]"),
    (lambda d: d.update(weights=[["p1", "p2", -1]]), "weights[0]"),
    (lambda d: d.update(weights=[["p1", "p2"]]), "weights[0]"),
    (lambda d: d.update(settings={"mutuality": 3}), "settings.mutuality"),
    (lambda d: d.update(settings={"min_meetings": -2}), "settings.min_meetings"),
    (lambda d: d.update(attendees="nobody"), "attendees"),
    (lambda d: d.update(fixed_meetings=[{"a": "p1", "b": "p2", "round": 7}]),
     "fixed_meetings[0].round"),
])
def test_invalid_input_names_the_field(change, field):
    d = event()
    change(d)
    with pytest.raises(ProblemError) as err:
        problem_from_dict(d)
    assert str(err.value).startswith(field)


def test_dataclasses_validate_directly():
    a = Participant(id="a", name="A")
    with pytest.raises(ProblemError, match=r"^attendees\[1\]\.id"):
        Problem(rounds=2, attendees=(a, Participant(id="a", name="B")))
    with pytest.raises(ProblemError, match=r"^settings\.mutuality"):
        Settings(mutuality=-0.1)
    b = Participant(id="b", name="B")
    with pytest.raises(ProblemError, match=r"^fixed_meetings\[1\]"):
        Problem(rounds=2, attendees=(a, b), fixed_meetings=(
            FixedMeeting("a", "b", 1), FixedMeeting("b", "a", 2)))
    with pytest.raises(ProblemError, match="^attendee.available_rounds"):
        Participant(id="x", name="X", available_rounds=(0,))


def test_not_an_object():
    with pytest.raises(ProblemError, match=r"^\(root\)"):
        problem_from_dict([1, 2])


def test_numeric_ids_are_read_as_strings():
    d = event()
    d["attendees"][0]["id"], d["attendees"][1]["id"] = 1, 2
    d["requested_pairs"] = [[1, 2]]
    d["weights"] = [[1, 2, 1.5]]
    d["fixed_meetings"] = [{"a": 1, "b": 2, "round": 1}]
    p = problem_from_dict(d)
    assert p.requested_pairs == (("1", "2"),) and p.weights == (("1", "2", 1.5),)
    assert p.fixed_meetings[0].a == "1"
