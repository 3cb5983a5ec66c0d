"""`oncotrial recist evaluate CASE.json`, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CASE = {
    "criteria": "RECIST1.1",
    "randomized": True,
    "lesions": [
        {"id": "T1", "role": "target", "organ": "liver", "nodal": False},
        {"id": "T2", "role": "target", "organ": "lung", "nodal": False},
    ],
    "assessments": [
        {
            "date": "2024-01-15",
            "target": {"T1": 30, "T2": 20},
            "non_target": None,
            "new_lesions": "none",
        },
        # 50 -> 35 mm: exactly -30 %, a partial response.
        {
            "date": "2024-03-01",
            "target": {"T1": 21, "T2": 14},
            "non_target": None,
            "new_lesions": "none",
        },
        # nadir 35 -> 42 mm: exactly +20 % and +7 mm, progression.
        {
            "date": "2024-04-15",
            "target": {"T1": 25, "T2": 17},
            "non_target": None,
            "new_lesions": "none",
        },
    ],
}


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oncotrial.cli", "recist", "evaluate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_prints_time_points_best_response_and_progression_date(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    result = _run(case)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert [t["overall"] for t in out["timepoints"][1:]] == ["PR", "PD"]
    assert [t["sum_mm"] for t in out["timepoints"]] == [50, 35, 42]
    assert out["best_overall_response"] == "PR"
    assert out["progression_date"] == "2024-04-15"


def test_malformed_input_names_the_path_and_exits_non_zero(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(CASE))
    bad["assessments"][1]["target"]["T2"] = "tiny"
    case = tmp_path / "bad.json"
    case.write_text(json.dumps(bad), encoding="utf-8")
    result = _run(case)
    assert result.returncode == 1
    assert "assessments[1].target.T2" in result.stderr
