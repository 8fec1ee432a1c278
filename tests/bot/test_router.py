"""How messages become commands: aliases, slashes, full-width digits, long text, failures."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import Bot
from bot.router import MAX_TEXT, Router
from tests.driver import Chat


@pytest.fixture
def body(secretariat: Chat) -> Chat:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部")
    return secretariat


@pytest.mark.parametrize("text", ["案 1", "/案 1", "case 1", "/case 1", "/case@lieguan_bot 1", "案１", "案1", "Case 1"])
def test_one_command_many_spellings(body: Chat, text: str) -> None:
    assert "內容：請教育部提出轉介流程" in body.run(text)


def test_chinese_talk_that_starts_like_a_command_is_not_one(body: Chat) -> None:
    assert body.run("案子我明天處理") == ""


def test_unknown_command_in_a_private_chat_gets_the_help_hint(bot: Bot) -> None:
    private = Chat(bot, "telegram:42", kind="private")
    assert "輸入「說明」" in private.run("你好")


def test_a_slash_command_nobody_knows_gets_the_hint_in_a_group(body: Chat) -> None:
    assert "輸入「說明」" in body.run("/frobnicate")


def test_a_message_over_5000_characters_is_refused_with_the_reason(body: Chat, bot: Bot) -> None:
    answer = body.run("#1 " + "很" * 6000)
    assert "訊息太長（6,003 字）" in answer and f"{MAX_TEXT:,}" in answer
    assert not bot.store.find_case(ref="1")[0].replies


def test_a_failing_handler_answers_politely_and_writes_nothing(bot: Bot) -> None:
    broken = Router()

    @broken.command("壞掉", "broken", roles=("secretariat", "agency", "none"), summary="")
    async def explode(msg: object, args: str, ctx: object) -> list:  # type: ignore[type-arg]
        raise RuntimeError("boom")

    bot.router.include(broken)
    answer = Chat(bot, "line:C1").run("壞掉")
    assert "發生錯誤" in answer and "boom" not in answer and "Traceback" not in answer


def test_help_speaks_to_each_role(body: Chat, bot: Bot) -> None:
    assert "綁定碼" in body.run("說明") and "下次會議" in body.run("說明")
    assert "尚未綁定" in Chat(bot, "line:Cx").run("說明")


def test_english_aliases_exist_for_every_contract_word(bot: Bot) -> None:
    words = ("說明/help, 列表/list, 案/case, 我的案件/mine, 綁定/bind, 綁定碼/bindcode, 未回報/missing, "
             "新增/add, 修改/edit, 指派/assign, 期限/due, 下次會議/nextmeeting, 擬解除/propose_release, "
             "擬繼續/propose_keep, 解除列管/release, 繼續列管/keep, 建議解除/ask_release, 機關/agency")
    names = {name for command in bot.router.commands for name in command.names}
    for pair in words.split(", "):
        zh, en = pair.split("/")
        assert zh in names and en in names, pair


def test_dispatch_runs_in_an_event_loop(bot: Bot) -> None:
    chat = Chat(bot, "line:C1")

    async def two_at_once() -> list[object]:
        return list(await asyncio.gather(chat.send("說明"), chat.send("說明")))

    assert len(asyncio.run(two_at_once())) == 2
