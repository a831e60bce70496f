"""``meetmatch solve``: JSON in, JSON out, exit status 0/1/2, run in-process and as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from meetmatch.solve_cli import solve

REPO = Path(__file__).resolve().parents[2]

EVENT = {
    "rounds": 3,
    "tables": 4,
    "settings": {"block_same_organisation": True, "min_meetings": None, "mutuality": None},
    "attendees": [
        {"id": "p1", "name": "Alice Park", "organisation": "Pixelry", "offers": ["ux design"],
         "needs": ["seed funding"], "available_rounds": [1, 2, 3], "max_meetings": 2},
        {"id": "p2", "name": "Bruno Silva", "organisation": "Northvest",
         "offers": ["seed funding"], "needs": ["ux design"], "host_table": 3},
        {"id": "p3", "name": "Cia Berg", "offers_text": "Rekrytering av utvecklare",
         "needs_text": "söker investerare", "needs": ["seed funding"]},
        {"id": "p4", "name": "Dan Ek", "needs_text": "vi behöver rekrytera utvecklare",
         "offers": ["ux design"], "offers_text": "investing in startups"},
        {"id": "p5", "name": "Eve Lind", "offers": ["seed funding"], "needs": ["ux design"],
         "future_field": True},
    ],
    "blocked_pairs": [["p1", "p5"]],
    "requested_pairs": [["p3", "p4"]],
}


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "meetmatch.solve_cli", *args],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)


@pytest.fixture
def instance(tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(EVENT), encoding="utf-8")
    return path


def test_cli_writes_schedule_to_stdout_and_summary_to_stderr(instance):
    result = CliRunner().invoke(solve, [str(instance), "--time-limit", "5", "--seed", "1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] in ("optimal", "feasible")
    assert {"objective", "upper_bound", "message", "rounds"} <= set(out)
    meetings = [m for r in out["rounds"] for m in r["meetings"]]
    assert {"a", "b", "table", "score", "why"} <= set(meetings[0])
    assert any({m["a"], m["b"]} == {"p3", "p4"} for m in meetings)  # the request
    assert all({m["a"], m["b"]} != {"p1", "p5"} for m in meetings)  # the block
    assert all(m["table"] == 3 for m in meetings if "p2" in (m["a"], m["b"]))
    assert result.stderr.startswith(out["status"])


def test_cli_writes_output_file(instance, tmp_path):
    target = tmp_path / "schedule.json"
    result = CliRunner().invoke(solve, [str(instance), "-o", str(target), "--time-limit", "5"])
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["rounds"]
    assert result.stdout == ""


@pytest.mark.parametrize("change, field", [
    (lambda d: d["attendees"][2].update(available_rounds=[9]),
     "attendees[2].available_rounds: round 9 is outside 1..3"),
    (lambda d: d.pop("rounds"), "rounds"),
    (lambda d: d.update(requested_pairs=[["p1", "nobody"]]), "requested_pairs[0]"),
])
def test_cli_invalid_input_exits_2_naming_the_field(tmp_path, change, field):
    d = json.loads(json.dumps(EVENT))
    change(d)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    result = CliRunner().invoke(solve, [str(path)])
    assert result.exit_code == 2
    assert field in result.stderr
    assert result.stdout == ""


def test_cli_not_json_exits_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{rounds: 3", encoding="utf-8")
    result = CliRunner().invoke(solve, [str(path)])
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_subprocess_exit_codes(instance, tmp_path):
    ok = run_cli(str(instance), "--time-limit", "5")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rounds"]
    assert "meetings in 3 rounds" in ok.stderr

    bad = tmp_path / "bad.json"
    d = json.loads(json.dumps(EVENT))
    d["attendees"][0]["max_meetings"] = "two"
    bad.write_text(json.dumps(d), encoding="utf-8")
    invalid = run_cli(str(bad))
    assert invalid.returncode == 2
    assert "attendees[0].max_meetings" in invalid.stderr

    d = json.loads(json.dumps(EVENT))
    d["tables"] = 1
    del d["attendees"][1]["host_table"]
    d["fixed_meetings"] = [{"a": "p1", "b": "p3", "round": 1}, {"a": "p4", "b": "p5", "round": 1}]
    bad.write_text(json.dumps(d), encoding="utf-8")
    infeasible = run_cli(str(bad))
    assert infeasible.returncode == 1
    assert json.loads(infeasible.stdout)["status"] == "infeasible"
    assert "fixed_meetings" in infeasible.stderr


def test_same_schedule_across_processes_with_different_hash_seeds(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    path = tmp_path / "event.json"
    path.write_text(json.dumps(generate(60, 4, seed=7)), encoding="utf-8")
    outputs = []
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = run_cli(str(path), "--time-limit", "10", "--seed", "5", env=env)
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        outputs.append((out["rounds"], out["objective"]))
    assert outputs[0] == outputs[1]
