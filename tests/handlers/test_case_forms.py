"""The commonest ways people write a case number all land on the case; hints never echo what was typed."""

from __future__ import annotations

import pytest

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat

BODY = "強化社會安全網中央跨部會平台"


@pytest.fixture
def moe(secretariat: Chat) -> Chat:
    secretariat.run(f"會議 新增 {BODY}")
    for n in range(1, 7):
        secretariat.run(f"新增 請教育部辦理第{n}項 主辦：教育部")
    return bind_agency(secretariat, "教育部", "line:Cmoe")


FORMS = ["#6、{}", "#６、{}", "#6,{}", "#6，{}", "第6案 {}", "第６案：{}", "#6{}", "＃６　{}", "#6：{}"]


def test_the_common_ways_of_writing_a_case_reach_it(moe: Chat, bot: Bot) -> None:
    for n, form in enumerate(FORMS):
        text = f"已召開第{n}次跨部會研商會議。"
        assert moe.run(form.format(text)).startswith("已記錄 #6 辦理情形"), form
        assert bot.store.find_case(ref="6")[0].replies[-1].text == text, form
    assert len(bot.store.find_case(ref="6")[0].replies) == len(FORMS)


def test_commands_take_the_same_forms(moe: Chat, secretariat: Chat) -> None:
    for typed in ("擬解除 第6案 已函頒", "擬解除 #６、已函頒", "擬解除 6，已函頒"):
        assert "#6 擬解除列管（理由：已函頒）" in secretariat.run(typed), typed


def test_a_decimal_after_the_case_is_not_taken_for_a_separator(moe: Chat, bot: Bot) -> None:
    assert moe.run("#6. 已撥付補助款").startswith("已記錄 #6")
    assert "找不到 #6" not in moe.run("#6.5萬元已撥付") and bot.store.find_case(ref="6")[0].replies[-1].text != "5萬元已撥付"


def test_talk_that_mentions_an_ordinal_is_not_a_reply(moe: Chat, bot: Bot) -> None:
    assert moe.run("第3點我明天再補充") == ""
    assert all(not i.replies for i in bot.store.items())


def test_a_command_without_a_case_gets_a_real_example_not_the_users_text(moe: Chat, secretariat: Chat) -> None:
    answer = secretariat.run("擬解除 轉介流程已函頒各縣市")
    assert answer == "請在指令後寫案號，例如「案 12」或「#12」。"
    assert "轉介流程" not in moe.run("建議解除 轉介流程已函頒各縣市")


def test_words_before_a_number_are_not_echoed_as_a_case(moe: Chat, secretariat: Chat) -> None:
    answer = secretariat.run("擬解除 理由是第8案已函頒")
    assert "理由" not in answer and "請在指令後寫案號，例如「案 12」或「#12」" in answer and "#1、#2" in answer


def test_a_hash_without_a_case_is_not_echoed_back(moe: Chat) -> None:
    assert moe.run("#六、已召開會議") == ""  # not a case number: group talk, left alone
    assert "已召開" not in Chat(moe.bot, "telegram:42", user="U42", kind="private").run("#六、已召開會議")
