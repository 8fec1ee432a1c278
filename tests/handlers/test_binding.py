"""Binding a chat to an agency with a single-use code that expires, and revoking it."""

from __future__ import annotations

from bot.core import Bot
from tests.conftest import bind_agency
from tests.driver import Chat


def code_for(secretariat: Chat, agency: str) -> str:
    answer = secretariat.run(f"綁定碼 {agency}")
    assert "24 小時內有效" in answer
    return answer.split("「綁定 ")[1].split("」")[0]


def test_a_contact_binds_the_group_with_the_code(secretariat: Chat, bot: Bot) -> None:
    code = code_for(secretariat, "教育部")
    group = Chat(bot, "line:Cmoe", user="Ulee")
    answer = group.run(f"綁定 {code.lower()}")  # codes are case-insensitive
    assert "已綁定：本群組為「教育部」聯絡群組" in answer and "#案號 辦理情形" in answer
    assert bot.store.binding(chat="line:Cmoe") == "教育部"


def test_codes_are_single_use(secretariat: Chat, bot: Bot) -> None:
    code = code_for(secretariat, "教育部")
    Chat(bot, "line:Cmoe").run(f"綁定 {code}")
    assert "已使用過" in Chat(bot, "line:Cother").run(f"綁定 {code}")
    assert bot.store.binding(chat="line:Cother") is None


def test_codes_expire_after_24_hours(secretariat: Chat, bot: Bot, clock: object) -> None:
    code = code_for(secretariat, "教育部")
    clock.advance(hours=24, minutes=1)  # type: ignore[attr-defined]
    assert "已過期" in Chat(bot, "line:Cmoe").run(f"綁定 {code}")


def test_five_wrong_codes_lock_the_chat_for_an_hour(secretariat: Chat, bot: Bot, clock: object) -> None:
    code = code_for(secretariat, "教育部")
    group = Chat(bot, "line:Cguess")
    for attempt in range(5):
        assert "綁定碼不正確" in group.run(f"綁定 AAA-AA{attempt + 2}")
    assert "次數過多" in group.run(f"綁定 {code}")
    assert bot.store.binding(chat="line:Cguess") is None
    clock.advance(hours=1, minutes=1)  # type: ignore[attr-defined]
    assert "已綁定" in group.run(f"綁定 {code}")


def test_binding_list_and_unbind(secretariat: Chat, bot: Bot) -> None:
    bind_agency(secretariat, "教育部", "line:Cmoe")
    assert "教育部：line:Cmoe" in secretariat.run("綁定 列表")
    assert "已解除綁定：line:Cmoe（教育部）" in secretariat.run("解除綁定 line:Cmoe")
    assert bot.store.binding(chat="line:Cmoe") is None
    assert "沒有綁定" in secretariat.run("解除綁定 line:Cmoe")


def test_a_code_for_an_unknown_agency_is_refused(secretariat: Chat) -> None:
    assert "找不到機關「火星部」" in secretariat.run("綁定碼 火星部")


def test_a_secretariat_chat_typing_an_agencys_code_is_warned_not_rebound(secretariat: Chat, bot: Bot) -> None:
    code = code_for(secretariat, "教育部")
    answer = secretariat.run(f"綁定 {code}")
    assert "尚未改變任何綁定" in answer
    assert "本群組將不再是秘書處的群組，而改為「教育部」聯絡群組" in answer
    assert f"「綁定 {code} 確認」" in answer and "10 分鐘內" in answer
    assert bot.store.binding(chat="line:Csecretariat") == "秘書處"
    # the code was not used up: the agency's contact can still bind with it
    assert "已綁定：本群組為「教育部」聯絡群組" in Chat(bot, "line:Cmoe").run(f"綁定 {code}")


def test_the_rebind_happens_only_when_confirmed_in_time(secretariat: Chat, bot: Bot, clock: object) -> None:
    code = code_for(secretariat, "教育部")
    assert "尚未改變任何綁定" in secretariat.run(f"綁定 {code} 確認")  # confirming unwarned only warns
    secretariat.run(f"綁定 {code}")
    clock.advance(minutes=11)  # type: ignore[attr-defined]
    late = secretariat.run(f"綁定 {code} 確認")
    assert "確認的時間已過" in late and bot.store.binding(chat="line:Csecretariat") == "秘書處"
    answer = secretariat.run(f"綁定 {code}　確認")  # a full-width space is a space
    assert "已綁定：本群組為「教育部」聯絡群組" in answer and "本群組已不再是「秘書處」的群組" in answer
    assert bot.store.binding(chat="line:Csecretariat") == "教育部"


def test_an_agencys_chat_is_told_before_switching_to_another_agency(secretariat: Chat, bot: Bot) -> None:
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    code = code_for(secretariat, "勞動部")
    answer = moe.run(f"綁定 {code}")
    assert "本群組目前是「教育部」聯絡群組" in answer and "改為「勞動部」聯絡群組" in answer
    assert bot.store.binding(chat="line:Cmoe") == "教育部"
    assert "已綁定：本群組為「勞動部」" in moe.run(f"/bind {code.lower()} confirm")
    assert bot.store.binding(chat="line:Cmoe") == "勞動部"


def test_the_same_agencys_new_code_binds_without_asking(secretariat: Chat, bot: Bot) -> None:
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    assert "已綁定：本群組為「教育部」" in moe.run(f"綁定 {code_for(secretariat, '教育部')}")


def test_wrong_codes_from_many_chats_pause_binding_everywhere_for_ten_minutes(
        secretariat: Chat, bot: Bot, clock: object) -> None:
    code = code_for(secretariat, "教育部")
    for n in range(20):  # twenty fresh groups, each well under its own limit of five
        assert "綁定碼不正確" in Chat(bot, f"line:Cfresh{n}").run(f"綁定 AAA-AA{n % 8 + 2}")
    paused = Chat(bot, "line:Cmoe").run(f"綁定 {code}")  # even a right code waits, from a chat never seen
    assert "各群組輸入錯誤的綁定碼次數過多" in paused and "10 分鐘" in paused
    assert bot.store.binding(chat="line:Cmoe") is None
    assert "暫停綁定" in Chat(bot, "line:Cfresh0").run("綁定 AAA-AAA")
    clock.advance(minutes=10, seconds=1)  # type: ignore[attr-defined]
    assert "已綁定" in Chat(bot, "line:Cmoe").run(f"綁定 {code}")


def test_nineteen_wrong_codes_across_chats_do_not_pause_binding(secretariat: Chat, bot: Bot) -> None:
    code = code_for(secretariat, "教育部")
    for n in range(19):
        Chat(bot, f"line:Cfresh{n}").run(f"綁定 AAA-AA{n % 8 + 2}")
    assert "已綁定" in Chat(bot, "line:Cmoe").run(f"綁定 {code}")
