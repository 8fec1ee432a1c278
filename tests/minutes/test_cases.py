"""Our written cases of the ten kinds of real minutes in issue 10 (tests/data/minutes/cases/): every
case scored against its gold, and the decisions found wherever and however they are written."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from config.directory import AgencyDirectory
from tests.minutes.support import CASES_DIR, extract_for, golds

CASES = golds(CASES_DIR)


def test_there_are_two_written_cases_of_each_kind_at_least() -> None:
    kinds = {int(p.name[:2]) for p in CASES}

    assert len(CASES) >= 20
    assert kinds >= set(range(1, 21))


@pytest.mark.parametrize("gold_path", CASES, ids=lambda p: p.stem)
def test_written_case_meets_the_quality_bar(gold_path: Path, directory: AgencyDirectory, scorer: ModuleType) -> None:
    want, got = extract_for(gold_path, directory)
    result = scorer.score(want, got)

    assert result["precision"] >= 0.75, result["false_positives"]
    assert result["recall"] >= 0.75, result["missed"]
    assert result["reviews_exact"], got["reviews"]
    fields = result["meeting_fields"].split("/")
    assert fields[0] == fields[1], (result["meeting_fields"], got["meeting"])


def test_written_cases_together_reach_the_bar(directory: AgencyDirectory, scorer: ModuleType) -> None:
    tp = fp = required = right = scored = 0
    for gold_path in CASES:
        result = scorer.score(*extract_for(gold_path, directory))
        tp, fp, required = tp + result["tp"], fp + result["fp"], required + result["required"]
        right, scored = right + result["agencies_right"], scored + result["agencies_scored"]

    assert tp / (tp + fp) >= 0.95
    assert tp / required >= 0.95
    assert right / scored >= 0.95


@pytest.mark.parametrize("gold_path", CASES, ids=lambda p: p.stem)
def test_every_item_and_candidate_says_how_sure_and_why(gold_path: Path, directory: AgencyDirectory) -> None:
    _, got = extract_for(gold_path, directory)

    assert all(i["confidence"] >= 0.6 and i["reason"] for i in got["items"])
    assert all(i["confidence"] < 0.6 and i["reason"] for i in got["candidates"])
