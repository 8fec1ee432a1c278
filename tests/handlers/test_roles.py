"""The role matrix: who may do what, in which chat."""

from __future__ import annotations

import pytest

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat

SECRETARIAT_ONLY = ["新增 x 主辦：教育部", "修改 1 新內容", "指派 1 法務部", "期限 1 115/12/31",
                    "擬解除 1", "擬繼續 1", "解除列管 1", "繼續列管 1", "綁定碼 教育部",
                    "下次會議 116/1/20", "解除綁定 line:Cmoe", "機關 新增 測試局"]


@pytest.fixture
def moe(secretariat: Chat) -> Chat:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部提出轉介流程 主辦：教育部")
    secretariat.run("新增 請勞動部提供統計 主辦：勞動部")
    return bind_agency(secretariat, "教育部", "line:Cmoe")


@pytest.mark.parametrize("command", SECRETARIAT_ONLY)
def test_contacts_cannot_change_items(moe: Chat, bot: Bot, command: str) -> None:
    before = bot.store.items(status="all")
    assert "只有秘書處可以使用" in moe.run(command)
    assert bot.store.items(status="all") == before


@pytest.mark.parametrize("command", ["列表", "我的案件", "案 1", "#1 已完成", "建議解除 1 已完成", "未回報"])
def test_an_unbound_chat_is_told_how_to_bind(moe: Chat, bot: Bot, command: str) -> None:
    stranger = Chat(bot, "line:Cstranger", user="Ux")
    assert "尚未綁定機關" in stranger.run(command) and "綁定 綁定碼" in stranger.run(command)
    assert all(not i.replies for i in bot.store.items())


def test_contacts_see_only_their_own_items(moe: Chat) -> None:
    answer = moe.run("列表")
    assert "#1" in answer and "#2" not in answer
    assert "不是教育部的列管案" in moe.run("案 2")


def test_contact_writing_on_another_agencys_item_is_refused(moe: Chat, bot: Bot) -> None:
    answer = moe.run("#2 已完成")
    assert "#2 不是教育部的列管案，無法回報" in answer and "教育部的列管案：#1" in answer
    assert not bot.store.find_case(ref="2")[0].replies


def test_an_admin_acts_as_the_secretariat_in_any_chat(moe: Chat, bot: Bot) -> None:
    bot.store.add_admin(user="line:Uboss", actor="cli")
    boss = Chat(bot, "line:Cmoe", user="Uboss")
    assert "已新增 #3" in boss.run("新增 請教育部再提報告 主辦：教育部")
