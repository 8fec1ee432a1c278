"""The secretariat's reminder commands in a chat: 催辦, 提醒, 停班, 通知."""

from __future__ import annotations

import asyncio

from bot.core import Bot
from tests.conftest import Clock
from tests.driver import Chat
from tests.scheduler.conftest import World, build_world


def world_of(bot: Bot, clock: Clock, secretariat: Chat) -> World:
    return build_world(bot, clock, secretariat)


def test_remind_an_agency_sends_its_chat_what_it_has_not_answered(bot: Bot, clock: Clock,
                                                                   secretariat: Chat) -> None:
    w = world_of(bot, clock, secretariat)
    w.moe.run("#1 已召開研商會議")
    answers = asyncio.run(secretariat.send("催辦 衛福部"))
    assert answers[0].text == "已提醒 衛生福利部 聯絡群（#3、#4）。"
    reminder = answers[1]
    assert reminder.chat is not None and reminder.chat.key == "telegram:-100200" and reminder.kind == "reminder"
    assert reminder.text.splitlines()[0] == "【催辦】衛生福利部 2 案未回報｜回報截止 115/12/16（尚有 17 個辦公日）"
    assert reminder.item_ids == [3, 4]


def test_remind_a_sub_unit_reaches_its_parents_chat_about_its_own_items(bot: Bot, clock: Clock,
                                                                         secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    answers = asyncio.run(secretariat.send("催辦 保護司"))
    assert answers[0].text == "已提醒 衛生福利部 聯絡群（#3）。"


def test_remind_says_so_when_there_is_nothing_to_chase(bot: Bot, clock: Clock, secretariat: Chat) -> None:
    w = world_of(bot, clock, secretariat)
    for case in ("1", "2", "4"):
        w.moe.run(f"#{case} 已辦理")
    assert secretariat.run("催辦 教育部") == "教育部的列管案都已回報，不需要催辦。"
    assert "勞動部尚未綁定群組" in secretariat.run("催辦 勞動部")
    assert "找不到機關「火星部」" in secretariat.run("催辦 火星部")


def test_remind_alone_sends_a_round_now_to_every_agency_chat(bot: Bot, clock: Clock, secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    answers = asyncio.run(secretariat.send("催辦"))
    assert answers[0].text == "已送出提醒：2 個機關群組，各列出其列管中的案件。"
    assert sorted(a.chat.key for a in answers[1:] if a.chat) == ["line:Cmoe", "telegram:-100200"]
    assert all(a.key and a.key.startswith("remind:1:") and ":now-" in a.key for a in answers[1:])


def test_agencies_cannot_use_the_secretariats_reminder_commands(bot: Bot, clock: Clock,
                                                                secretariat: Chat) -> None:
    w = world_of(bot, clock, secretariat)
    for command in ("催辦", "提醒 每週三 10:00", "停班 115/12/1", "通知 摘要 關"):
        assert "只有秘書處" in w.moe.run(command)


def test_schedule_shows_the_weekly_time_the_deadline_and_the_next_reminder(bot: Bot, clock: Clock,
                                                                           secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    assert secretariat.run("提醒").splitlines() == [
        "強化社會安全網中央跨部會平台：每週一 09:30 提醒各機關（遇放假日順延至下一個辦公日）。",
        "回報截止：下次會議前 5 個辦公日（115年12月16日）；截止前 5、2、1 個辦公日再提醒，截止後列出逾期未回報的機關。",
        "有自訂期限的案件，於期限前 3、1 個辦公日提醒。",
        "下一次每週提醒：115年11月30日（星期一）09:30。"]


def test_schedule_changes_the_weekday_and_time(bot: Bot, clock: Clock, secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    answer = secretariat.run("提醒 每週三 14:00")
    assert "每週三 14:00 提醒各機關" in answer and "下一次每週提醒：115年11月25日（星期三）14:00" in answer
    body = bot.store.bodies()[0]
    assert (body.reminder_weekday, body.reminder_time) == (2, "14:00")
    assert "每週三 09:05" in secretariat.run("提醒 9點5分")
    assert "看不懂「25:00」" in secretariat.run("提醒 週一 25:00")


def test_schedule_changes_the_reply_deadline(bot: Bot, clock: Clock, secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    answer = secretariat.run("提醒 截止 7")
    assert "下次會議前 7 個辦公日（115年12月14日）" in answer
    assert "0 到 30" in secretariat.run("提醒 截止 45")


def test_day_off_moves_that_days_reminders_and_says_when_a_deadline_moves(bot: Bot, clock: Clock,
                                                                          secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    answer = secretariat.run("停班 115/12/21 颱風")
    assert answer.splitlines() == [
        "已設定 115年12月21日（星期一）停止上班（颱風）。當天的提醒順延至 115年12月22日（星期二）。",
        "強化社會安全網中央跨部會平台的回報截止改為 115年12月15日（星期二）。"]
    assert "115/12/21（颱風）" in secretariat.run("停班")
    assert "已取消 115年12月21日（星期一）的停班" in secretariat.run("停班 取消 115/12/21")
    assert "不是另外設定的停班日" in secretariat.run("停班 取消 115/12/21")
    assert {d.day for d in bot.store.days_off()} == set()


def test_day_off_of_an_impossible_date_is_refused_politely(bot: Bot, clock: Clock, secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    assert "「115/2/30」不是有效日期" in secretariat.run("停班 115/2/30")
    assert bot.store.days_off() == []


def test_notices_turn_the_release_notice_and_the_digest_off_and_on(bot: Bot, clock: Clock,
                                                                   secretariat: Chat) -> None:
    w = world_of(bot, clock, secretariat)
    assert secretariat.run("通知").splitlines()[:2] == [
        "建議解除通知：開（機關建議解除列管時，立即通知秘書處）",
        "每日回報摘要：開（每個辦公日 17:30，列出當天收到的回報）"]
    assert "建議解除通知：關" in secretariat.run("通知 建議解除 關")
    answers = asyncio.run(w.moe.send("建議解除 1 已函頒"))
    assert [a.text for a in answers] == ["已送秘書處：#1 建議解除列管。"]  # no notice to the secretariat
    assert "每日回報摘要：關" in secretariat.run("通知 摘要 關")
    assert "每個辦公日 18:00" in secretariat.run("通知 摘要 18:00")
    assert "請寫「通知 建議解除 開」" in secretariat.run("通知 其他 開")


def test_pressing_a_reminders_buttons_asks_for_the_progress_or_the_reason(bot: Bot, clock: Clock,
                                                                          secretariat: Chat) -> None:
    w = world_of(bot, clock, secretariat)
    assert "#1 辦理情形" in w.moe.run("回報 1", postback=True)
    assert "請寫明建議解除的理由" in w.moe.run("建議解除 1", postback=True)
    assert bot.store.find_case(ref="1")[0].latest_reply() is None


class NearlyOutOfLine:
    """What the LINE channel tells handlers: 95 of this month's 100 pushes used, 12 in each group."""

    async def quota(self) -> tuple[int | None, int] | None:
        return 100, 95

    async def member_count(self, chat_id: str) -> int | None:
        return 12


def test_remind_all_warns_when_the_round_would_exceed_lines_monthly_quota(bot: Bot, clock: Clock,
                                                                          secretariat: Chat) -> None:
    world_of(bot, clock, secretariat)
    answers = asyncio.run(bot.handle(secretariat.message("催辦"), services=NearlyOutOfLine()))
    assert answers[1].text.startswith("注意：這一輪 LINE 提醒需要 12 則訊息")
    assert [a.kind for a in answers[2:]] == ["reminder", "reminder"]
