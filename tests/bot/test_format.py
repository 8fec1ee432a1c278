"""How an item reads in a chat list: its own task, not the agenda heading it shares with others."""

from __future__ import annotations

from bot.format import task_text


def test_a_renewed_cases_agenda_heading_gives_way_to_its_task() -> None:
    text = "案由 6 連結未升學未就業青少年與就業服務體系：請教育部於下次會議時就銜接方式，提出完整報告。"
    assert task_text(text) == "請教育部於下次會議時就銜接方式，提出完整報告。"


def test_a_numbered_heading_before_the_case_is_dropped_too() -> None:
    assert task_text("（一）案由 1 重大兒虐案件：請衛福部提出報告。") == "請衛福部提出報告。"


def test_a_task_without_a_heading_is_shown_as_written() -> None:
    assert task_text("請教育部提出轉介流程（附件）") == "請教育部提出轉介流程（附件）"


def test_a_heading_with_nothing_after_it_stays() -> None:
    assert task_text("案由 6 連結青少年與就業服務體系：") == "案由 6 連結青少年與就業服務體系："
