"""The two worked examples in docs/recist-json.md, run through the command's `main`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oncotrial.clinical.response_case import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "recist-json.md"
BLOCK = re.compile(r"<!-- example: (\S+) (input|output) -->\n```json\n(.*?)```", re.DOTALL)


def documented() -> dict[tuple[str, str], str]:
    return {(m[1], m[2]): m[3] for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("name", ["recist-pr-pd", "irecist-iupd-icpd"])
def test_documented_example_prints_the_documented_output(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = documented()
    case = tmp_path / f"{name}.json"
    case.write_text(blocks[name, "input"], encoding="utf-8")
    assert main([str(case)]) == 0
    assert capsys.readouterr().out == blocks[name, "output"]


def test_the_examples_show_what_they_claim() -> None:
    blocks = documented()
    assert '"best_overall_response": "PR"' in blocks["recist-pr-pd", "output"]
    assert '"progression_date": "2024-07-01"' in blocks["recist-pr-pd", "output"]
    assert '"overall": "iCPD"' in blocks["irecist-iupd-icpd", "output"]
    assert '"progression_date": "2024-05-06"' in blocks["irecist-iupd-icpd", "output"]
