"""The import review itself: numbering, ticks, conflicts and the 案由 of an unseen case (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.import_review import (
    CREATE,
    KEEP,
    RELEASE,
    SKIP,
    UNSEEN,
    WORK,
    ImportReview,
    ReviewError,
    confidence_text,
    parse_numbers,
    subject_in,
)


def point(text: str, *, case: str | None = None, confidence: float = 0.95, agencies: tuple[str, ...] = ("教育部",),
          subject: str | None = None) -> dict[str, Any]:
    return {"case": case, "text": text, "agencies": list(agencies), "roles": ["lead"] * len(agencies),
            "agencies_inferred": False, "due": None, "source": "", "confidence": confidence, "reason": "",
            "subject": subject}


def extraction() -> dict[str, Any]:
    return {
        "meeting": {"title": "某委員會第7次會議紀錄", "body": "某委員會", "number": 7, "date": None},
        "reviews": [{"case": "3", "decision": "released", "text": "第3案解除列管"},
                    {"case": "5", "decision": "continued", "text": "第5案繼續列管"},
                    {"case": "6", "decision": "released", "text": "第6案解除列管"}],
        "items": [point("請教育部持續推動XX計畫。", case="3", subject="推動XX計畫"),
                  point("請衛生福利部提出報告。", agencies=("衛生福利部",))],
        "candidates": [point("可以請勞動部協助。", confidence=0.3, agencies=("勞動部",))],
        "warnings": [],
    }


def test_likely_points_are_ticked_and_candidates_follow_unticked() -> None:
    review = ImportReview.fresh(extraction())
    assert [p["text"][:6] for p in review.entries] == ["請教育部持續", "請衛生福利部", "可以請勞動部"]
    assert review.ticked == {1, 2} and review.is_candidate(3) and not review.is_candidate(2)
    assert confidence_text(review.entries[2]) == "低 0.30" and confidence_text(review.entries[0]) == "高 0.95"


def test_ticks_change_by_number_and_out_of_range_is_explained() -> None:
    review = ImportReview.fresh(extraction())
    review.set_ticks([3], on=True)
    review.set_ticks([1], on=None)
    review.set_ticks([2], on=False)
    assert review.ticked == {3}
    with pytest.raises(ReviewError, match="沒有第 4 項：編號是 1 到 3。"):
        review.set_ticks([4], on=True)
    assert review.ticked == {3}


@pytest.mark.parametrize(("typed", "numbers"), [
    ("2 5-7", [2, 5, 6, 7]), ("２、５～７", [2, 5, 6, 7]), ("第3項", [3]), ("1,2，4", [1, 2, 4]), ("3到4", [3, 4]),
])
def test_numbers_are_read_as_people_type_them(typed: str, numbers: list[int]) -> None:
    assert parse_numbers(typed) == numbers


@pytest.mark.parametrize("typed", ["", "7-5", "三", "2 x"])
def test_numbers_that_make_no_sense_are_refused(typed: str) -> None:
    with pytest.raises(ReviewError):
        parse_numbers(typed)


def test_a_case_released_and_given_work_is_a_conflict_only_while_that_work_is_ticked() -> None:
    review = ImportReview.fresh(extraction())
    [conflict] = review.conflicts()
    assert (conflict.case, conflict.kind, conflict.numbers, conflict.agencies) == ("3", WORK, (1,), ("教育部",))
    assert conflict.question() == "第3案：本次會議決定解除列管，但第 1 項又請教育部辦理。"
    assert review.unanswered() == [conflict]
    review.set_ticks([1], on=False)
    assert review.conflicts() == [] and review.unanswered() == []


def test_unseen_cases_are_known_only_with_a_database_and_default_to_create() -> None:
    review = ImportReview.fresh(extraction(), known={"5"})
    kinds = {c.case: c.kind for c in review.conflicts()}
    assert kinds == {"3": WORK, "6": UNSEEN}  # 3 is carried by its ticked point, 5 is known
    unseen = next(c for c in review.conflicts() if c.case == "6")
    assert review.answer_of(unseen) == CREATE and [c.case for c in review.unanswered()] == ["3"]


def test_answers_fit_their_question() -> None:
    review = ImportReview.fresh(extraction(), known=set())
    review.answer("第3案", KEEP)
    with pytest.raises(ReviewError, match="第6案要回答的是：建立待補或略過。"):
        review.answer("6", RELEASE)
    with pytest.raises(ReviewError, match="第9案沒有需要回答的問題。"):
        review.answer("9", SKIP)
    assert review.answer_all(SKIP) == 2  # 5 and 6: neither known nor carried
    assert review.unanswered() == [] and review.answers == {"3": KEEP, "5": SKIP, "6": SKIP}


def test_what_is_saved_is_the_ticked_points_with_each_reviews_subject() -> None:
    minutes = "貳、上次會議決議事項\n第6案：建置YY平台\n決定：解除列管"
    review = ImportReview.fresh(extraction(), known=set())
    review.set_ticks([2], on=False)
    review.set_ticks([3], on=True)
    chosen, answers = review.chosen(minutes)
    assert [p["text"] for p in chosen["items"]] == ["請教育部持續推動XX計畫。", "可以請勞動部協助。"]
    assert chosen["candidates"] == []
    assert {r["case"]: r["subject"] for r in chosen["reviews"]} == {"3": "推動XX計畫", "5": None, "6": "建置YY平台"}
    assert answers == {"5": CREATE, "6": CREATE}  # 3 still unanswered: the store refuses it


def test_the_state_kept_between_messages_gives_the_same_review() -> None:
    review = ImportReview.fresh(extraction(), known=set())
    review.set_ticks([3], on=True)
    review.answer("3", RELEASE)
    again = ImportReview.from_state(review.state(), set())
    assert (again.ticked, again.answers, again.entries) == (review.ticked, review.answers, review.entries)


@pytest.mark.parametrize(("minutes", "case", "subject"), [
    ("一、第3案：推動ＸＸ計畫，並於年底完成。\n決定：解除列管", "3", "推動ＸＸ計畫，並於年底完成"),
    ("二、第 3 案：推動長照2.0。", "3", "推動長照2.0"),
    ("案號 2「市民關懷服務計畫，請社會局邀集\n\n相關單位」：\n本案解除列管。", "2", "市民關懷服務計畫，請社會局邀集相關單位"),
    ("案號 1 重大兒虐案件網絡合作之精進作為：請衛福部於下次會議報告", "1", "重大兒虐案件網絡合作之精進作為"),
    ("編號\t決議事項\t主辦單位\t會議決定\n2\t校園性平事件通報時效\t教育局\t繼續列管", "2", "校園性平事件通報時效"),
])
def test_the_title_the_minutes_quote_for_an_earlier_case_is_found_as_written(
        minutes: str, case: str, subject: str) -> None:
    assert subject_in(minutes, case) == subject


@pytest.mark.parametrize(("minutes", "case"), [
    ("第 2 案、第 3 案、第 4 案解除列管", "2"),
    ("第2案、第3案：繼續列管", "2"),
    ("列管案104-2-1案：解除列管", "104-2-1"),
    ("第12案：另一案\n第1案：本案繼續列管", "1"),
    ("第 9案請衛福部與法務部另行召開專案會議討論", "9"),
    ("二、第4案：辦理情形：已函復。", "4"),
    ("出席人員\n2\t王小明\t教育局\t科長", "2"),  # a row of another table
    ("第4案 說明：已函復。", "4"),
    ("案由二：臺南玉井縱火案檢討報告。（報告單位：衛生福利部）", "2"),  # this meeting's agenda, not case 2
    ("第二案：推動長照。", "2"),
])
def test_a_decision_or_the_next_case_is_never_taken_for_a_title(minutes: str, case: str) -> None:
    assert subject_in(minutes, case) is None
