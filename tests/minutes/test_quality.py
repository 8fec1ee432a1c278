"""The quality bar of spec/minutes-import.md, scored with score_minutes.py on every minutes we hold:
the four seeds and the minutes we wrote ourselves in other layouts."""

from __future__ import annotations

from types import ModuleType

import pytest

from config.directory import AgencyDirectory
from tests.minutes.support import OWN, SEEDS, extraction, gold


@pytest.mark.parametrize("name", SEEDS + OWN)
def test_extraction_meets_the_quality_bar(name: str, directory: AgencyDirectory, scorer: ModuleType) -> None:
    result = scorer.score(gold(name), extraction(name, directory).to_json())

    assert result["precision"] >= 0.9, result["false_positives"]
    assert result["recall"] >= 0.9, result["missed"]
    assert result["agency_accuracy"] >= 0.9, result["wrong_agencies"]
    assert result["due_accuracy"] >= 0.9
    assert result["case_accuracy"] == 1.0
    assert result["reviews_exact"]
    fields = result["meeting_fields"].split("/")
    assert fields[0] == fields[1], result["meeting_fields"]


@pytest.mark.parametrize("name", SEEDS + OWN)
def test_meeting_title_body_and_location_are_read(name: str, directory: AgencyDirectory) -> None:
    want = gold(name)["meeting"]
    meeting = extraction(name, directory).to_json()["meeting"]

    assert meeting["title"] == want["title"]
    assert meeting["body"] == want["body"]
    assert meeting["location"] == want["location"]


@pytest.mark.parametrize("name", SEEDS + OWN)
def test_json_is_exactly_the_contract(name: str, directory: AgencyDirectory) -> None:
    got = extraction(name, directory).to_json()

    assert list(got) == ["meeting", "reviews", "items", "candidates", "warnings"]
    assert list(got["meeting"]) == ["title", "body", "number", "date", "chair", "recorder", "location"]
    assert all(list(r) == ["case", "decision", "text"] for r in got["reviews"])
    keys = ["case", "text", "agencies", "roles", "agencies_inferred", "due", "source", "confidence", "reason"]
    found = got["items"] + got["candidates"]
    assert all(list(i) == keys for i in found)
    assert all(len(i["agencies"]) == len(i["roles"]) for i in found)
    assert all(set(i["roles"]) <= {"lead", "assist"} for i in found)
    assert all(0 <= i["confidence"] <= 1 and i["reason"] for i in found)
    assert all(i["confidence"] >= 0.6 for i in got["items"])
    assert all(i["confidence"] < 0.6 for i in got["candidates"])


@pytest.mark.parametrize("name", OWN)
def test_own_minutes_come_out_exactly_as_expected(name: str, directory: AgencyDirectory) -> None:
    """Our own minutes have no judgment calls: every item, in order, with its agencies, roles,
    due and case; every review; and the warnings the secretary should see."""
    want = gold(name)
    got = extraction(name, directory).to_json()

    assert len(got["items"]) == len(want["items"]), [i["text"] for i in got["items"]]
    for item, expected in zip(got["items"], want["items"], strict=True):
        assert "".join(expected["key"].split()) in "".join(item["text"].split())
        assert item["agencies"] == expected["agencies"], expected["key"]
        assert item["roles"] == expected["roles"], expected["key"]
        assert item["due"] == expected["due"], expected["key"]
        assert item["case"] == expected.get("case"), expected["key"]
        assert item["agencies_inferred"] == expected.get("agencies_inferred", False), expected["key"]
    assert sorted((r["case"], r["decision"]) for r in got["reviews"]) == sorted(
        (r["case"], r["decision"]) for r in want["reviews"]
    )
    assert len(got["warnings"]) == len(want["warnings"]), got["warnings"]
    for expected_warning in want["warnings"]:
        assert any(expected_warning in w for w in got["warnings"]), got["warnings"]
