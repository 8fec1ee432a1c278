"""What people type is stored character for character: full-width punctuation is theirs to keep.

Commands and numbers are understood in either width; only the understanding is normalised.
"""

from __future__ import annotations

import pytest

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat

BODY = "強化社會安全網中央跨部會平台"
GOVERNMENT_TEXT = "轉介流程已函頒，建議…（附件）：「家庭教育中心」１２處；共３案！"


@pytest.fixture
def moe(secretariat: Chat) -> Chat:
    secretariat.run(f"會議 新增 {BODY}")
    secretariat.run("新增 請教育部提出家庭教育中心轉介流程 主辦：教育部")
    return bind_agency(secretariat, "教育部", "line:Cmoe")


def test_a_hash_reply_keeps_full_width_punctuation(moe: Chat, bot: Bot) -> None:
    assert "已記錄 #1" in moe.run(f"#1 {GOVERNMENT_TEXT}")
    assert bot.store.find_case(ref="1")[0].replies[-1].text == GOVERNMENT_TEXT


@pytest.mark.parametrize("typed", [f"回報 1 {GOVERNMENT_TEXT}", f"/r 1 {GOVERNMENT_TEXT}", f"回報１　{GOVERNMENT_TEXT}",
                                   f"＃１、{GOVERNMENT_TEXT}", f"第1案 {GOVERNMENT_TEXT}"])
def test_every_way_of_replying_keeps_the_text(moe: Chat, bot: Bot, typed: str) -> None:
    assert "已記錄 #1" in moe.run(typed)
    assert bot.store.find_case(ref="1")[0].replies[-1].text == GOVERNMENT_TEXT


def test_a_release_request_keeps_its_reason(moe: Chat, bot: Bot) -> None:
    assert "建議解除列管" in moe.run(f"建議解除 1 {GOVERNMENT_TEXT}")
    assert bot.store.find_case(ref="1")[0].replies[-1].text == GOVERNMENT_TEXT


def test_the_secretariats_proposal_reason_is_kept(moe: Chat, secretariat: Chat, bot: Bot) -> None:
    assert f"（理由：{GOVERNMENT_TEXT}）" in secretariat.run(f"擬解除 1 {GOVERNMENT_TEXT}")
    assert bot.store.find_case(ref="1")[0].proposal_reason == GOVERNMENT_TEXT


def test_new_and_edited_items_keep_their_text(secretariat: Chat, bot: Bot) -> None:
    secretariat.run(f"會議 新增 {BODY}")
    secretariat.run("新增 請教育部（國教署）提出轉介流程，並於…前函頒 主辦：教育部 期限：下次會議")
    assert bot.store.find_case(ref="1")[0].text == "請教育部（國教署）提出轉介流程，並於…前函頒"
    secretariat.run("修改 １ 請教育部（國教署）於６月底前函頒：「轉介流程」")
    assert bot.store.find_case(ref="1")[0].text == "請教育部（國教署）於６月底前函頒：「轉介流程」"


def test_a_day_off_keeps_its_reason(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("停班 １１５／１２／３　颱風（凱米）")
    assert "颱風（凱米）" in answer
    assert [d.reason for d in bot.store.days_off() if d.source == "manual"] == ["颱風（凱米）"]


def test_an_added_agency_keeps_its_name(secretariat: Chat, bot: Bot) -> None:
    assert "已新增機關「臺北市政府社會局（兒少科）」" in secretariat.run("機關 新增 臺北市政府社會局（兒少科）")
    assert [e.name for e in bot.store.agency_entries()] == ["臺北市政府社會局（兒少科）"]


def test_a_full_width_bind_code_works(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("綁定碼 教育部")
    code = answer.split("「綁定 ")[1].split("」")[0]
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else "－" for c in code)
    assert "已綁定" in Chat(bot, "line:Cmoe").run(f"綁定 {wide}")
