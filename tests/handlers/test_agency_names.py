"""Everywhere an agency is typed: a shared short name lists the candidates, a typo gets the agency meant."""

from __future__ import annotations

import pytest

from bot.core import Bot
from tests.driver import Chat

BODY = "強化社會安全網中央跨部會平台"
TYPO = "找不到機關「衛生福力部」。您是不是要找：衛生福利部？"


@pytest.fixture
def tracked(secretariat: Chat) -> Chat:
    secretariat.run(f"會議 新增 {BODY}")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部")
    return secretariat


def test_a_bind_code_for_a_shared_short_name_lists_the_bureaus(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("綁定碼 衛生局")
    assert "「衛生局」有好幾個機關：臺北市政府衛生局、新北市政府衛生局" in answer and "等 22 個" in answer
    assert "請寫全名" in answer and "找不到機關" not in answer and "機關 新增" not in answer


@pytest.mark.parametrize("command", [
    "綁定碼 衛生福力部", "指派 1 衛生福力部", "新增 請衛福部提報告 主辦：衛生福力部", "列表 衛生福力部",
    "催辦 衛生福力部", "機關 別名 衛生福力部 衛部",
])
def test_a_typo_is_answered_with_the_agency_meant_and_nothing_changes(tracked: Chat, bot: Bot, command: str) -> None:
    before = bot.store.items(status="all")
    answer = tracked.run(command)
    assert TYPO in answer and "機關 新增" not in answer
    assert bot.store.items(status="all") == before and bot.store.agency_entries() == []


def test_an_agency_lookup_explains_a_typo(tracked: Chat) -> None:
    assert TYPO in tracked.run("機關 查 衛生福力部")


def test_an_unknown_name_is_not_offered_back_as_an_example(tracked: Chat) -> None:
    answer = tracked.run("綁定碼 火星部")
    assert "找不到機關「火星部」" in answer and "機關 新增 機關全名" in answer and "機關 新增 火星部" not in answer
