"""Reminder rounds on the government calendar: weekly, countdown, own dates, 逾期, catching up once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rounds import run_scheduled
from handlers.rounds import Round
from tests.scheduler.conftest import World

TAIPEI = ZoneInfo("Asia/Taipei")
PLATFORMS = {"line", "telegram"}


def at(world: World, when: str) -> None:
    """Move the clock to a Taipei time: '2026-11-30 09:30'."""
    world.clock.now = datetime.fromisoformat(when).replace(tzinfo=TAIPEI).astimezone(UTC)


def tick(world: World, when: str) -> Round | None:
    """The scheduler's job firing at `when`."""
    at(world, when)
    body = world.bot.store.bodies()[0]
    return run_scheduled(world.bot, body.id, PLATFORMS)


def sent(plan: Round | None) -> dict[str, str]:
    return {m.chat.key: m.text for m in plan.messages if m.chat} if plan else {}


def test_the_weekly_reminder_gives_each_agency_chat_one_message_of_its_open_items(world: World) -> None:
    plan = tick(world, "2026-11-30 09:30")
    assert plan is not None and plan.triggers.reasons() == ["weekly"]
    texts = sent(plan)
    assert set(texts) == {"line:Cmoe", "telegram:-100200"}  # not the secretariat: nothing is late yet
    assert texts["line:Cmoe"] == "\n".join([
        "【列管事項提醒】教育部 3 案｜回報截止 115/12/16（尚有 12 個辦公日）",
        "#1　請教育部提出轉介流程　下次會議　上次回報：無",
        "#2　請教育部留意輔導人力　上次回報：無",
        "#4　請各部會檢視整合不足之處　主辦：各部會　上次回報：無"])
    # 衛生福利部's chat hears about its 保護服務司 (no chat of its own) and the collective item
    assert texts["telegram:-100200"].splitlines()[1:] == ["#3　請保護司檢討　上次回報：無",
                                                         "#4　請各部會檢視整合不足之處　主辦：各部會　上次回報：無"]
    reminder = next(m for m in plan.messages if m.chat and m.chat.key == "line:Cmoe")
    assert reminder.kind == "reminder" and reminder.key == "remind:1:line:Cmoe:2026-11-30"
    assert [b.data for b in reminder.buttons[:2]] == ["回報 1", "建議解除 1"]
    assert plan.unbound == {"勞動部": plan.unbound["勞動部"]} and [i.case for i in plan.unbound["勞動部"]] == ["5"]


def test_the_round_is_in_the_outbox_keyed_by_body_chat_and_day(world: World) -> None:
    tick(world, "2026-11-30 09:30")
    rows = world.bot.store.outbox_rows(key_prefix="remind:")
    assert [(r.chat, r.status) for r in rows] == [("line:Cmoe", "pending"), ("telegram:-100200", "pending")]
    assert rows[0].payload["kind"] == "reminder" and rows[0].payload["item_ids"] == [1, 2, 4]


def test_a_weekly_reminder_on_a_day_off_goes_on_the_next_office_day(world: World) -> None:
    world.secretariat.run("停班 115/11/30 颱風")
    assert sent(tick(world, "2026-11-30 09:30")) == {}
    plan = tick(world, "2026-12-01 09:30")
    assert plan is not None and plan.triggers.weekly and "line:Cmoe" in sent(plan)


def test_nothing_is_sent_between_reminder_days(world: World) -> None:
    for day in ("2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"):
        plan = tick(world, f"{day} 09:30")
        assert plan is not None and plan.messages == []


def test_the_countdown_says_how_many_office_days_are_left_to_those_who_have_not_replied(world: World) -> None:
    world.moe.run("#1 已召開研商會議")
    headers: dict[str, list[str]] = {}
    for n in range(25):  # every day from 11/24 to 12/18, at the reminder time
        day = date(2026, 11, 24) + timedelta(days=n)
        for chat, text in sent(tick(world, f"{day} 09:30")).items():
            headers.setdefault(f"{day.month}/{day.day}", []).append(f"{chat} {text.splitlines()[0]}")
    assert headers["12/9"] == [
        "line:Cmoe 【列管事項提醒】教育部 2 案未回報｜回報截止 115/12/16（尚有 5 個辦公日）",
        "telegram:-100200 【列管事項提醒】衛生福利部 2 案未回報｜回報截止 115/12/16（尚有 5 個辦公日）"]
    assert headers["12/15"][0].endswith("（尚有 1 個辦公日）")
    # 12/14 is a Monday: the weekly reminder and the countdown are one message per chat
    assert headers["12/14"] == [
        "line:Cmoe 【列管事項提醒】教育部 3 案｜回報截止 115/12/16（尚有 2 個辦公日）",
        "telegram:-100200 【列管事項提醒】衛生福利部 2 案｜回報截止 115/12/16（尚有 2 個辦公日）"]
    assert list(headers) == ["11/30", "12/7", "12/9", "12/14", "12/15", "12/17"]


def test_a_countdown_lists_only_what_is_unanswered(world: World) -> None:
    world.moe.run("#1 已召開研商會議")
    world.moe.run("#2 人力已補足")
    world.moe.run("#4 已檢視")
    tick(world, "2026-12-08 09:30")
    plan = tick(world, "2026-12-09 09:30")
    assert set(sent(plan)) == {"telegram:-100200"}  # 教育部 has replied on everything


def test_an_item_with_its_own_date_is_reminded_3_and_1_office_days_before(world: World) -> None:
    world.secretariat.run("新增 請教育部函報計畫 主辦：教育部 期限：115/12/3")  # 6, a Thursday
    monday = sent(tick(world, "2026-11-30 09:30"))["line:Cmoe"]  # the weekly, which says so
    assert "期限將至：#6 期限 115/12/3（尚有 3 個辦公日）。" in monday
    tick(world, "2026-12-01 09:30")
    wednesday = sent(tick(world, "2026-12-02 09:30"))
    assert wednesday == {"line:Cmoe": "\n".join([
        "【列管事項提醒】教育部 1 案未回報｜回報截止 115/12/16（尚有 10 個辦公日）",
        "#6　請教育部函報計畫　115/12/3　上次回報：無",
        "期限將至：#6 期限 115/12/3（尚有 1 個辦公日）。"])}


def test_after_the_deadline_the_late_hear_it_once_and_the_secretariat_gets_one_list(world: World) -> None:
    world.moe.run("#1 已召開研商會議")
    world.moe.run("#2 人力已補足")
    tick(world, "2026-12-16 09:30")
    plan = tick(world, "2026-12-17 09:30")
    assert plan is not None and plan.triggers.overdue
    texts = sent(plan)
    assert texts["line:Csecretariat"] == "\n".join([
        "【逾期未回報】強化社會安全網中央跨部會平台｜回報截止 115/12/16 已過，3 案尚未回報：",
        "・衛生福利部保護服務司 #3",
        "・教育部 #4",
        "・衛生福利部 #4",
        "・勞動部 #5（尚未綁定群組，無法提醒）",
        "已另行提醒各機關聯絡群組；之後的回報會註記「逾期回報」。"])
    assert texts["line:Cmoe"].startswith("【逾期提醒】教育部 1 案未回報｜回報截止 115/12/16（已逾期）\n#4　")
    assert "逾期未回報：#4。" in texts["line:Cmoe"]
    assert plan.overdue == {"衛生福利部": [4], "衛生福利部保護服務司": [3], "教育部": [4]}
    assert world.bot.store.rounds(body_id=1, limit=1)[0].overdue == plan.overdue
    assert sent(tick(world, "2026-12-18 09:30")) == {}  # once


def test_a_reply_after_the_deadline_is_kept_and_marked_late(world: World) -> None:
    at(world, "2026-12-17 10:00")
    assert "已記錄 #4" in world.moe.run("#4 已檢視完畢")
    reply = world.bot.store.find_case(ref="4")[0].latest_reply("教育部")
    assert reply is not None and reply.late


def test_a_bot_that_was_down_catches_up_once_not_once_per_missed_day(world: World) -> None:
    tick(world, "2026-11-27 09:30")  # Friday; then down until Wednesday
    plan = tick(world, "2026-12-02 11:00")
    assert plan is not None and plan.triggers.weekly  # Monday's weekly reminder, sent now
    assert sorted(sent(plan)) == ["line:Cmoe", "telegram:-100200"]
    assert tick(world, "2026-12-02 11:05") is None


def test_a_round_run_twice_sends_nothing_twice(world: World) -> None:
    at(world, "2026-11-30 09:30")
    first = run_scheduled(world.bot, 1, PLATFORMS)
    second = run_scheduled(world.bot, 1, PLATFORMS)  # a double-fired job, or another replica
    assert first is not None and second is None
    assert len(world.bot.store.outbox_rows(key_prefix="remind:")) == 2


def test_a_new_body_is_not_reminded_about_the_days_before_it_existed(world: World) -> None:
    at(world, "2026-11-30 15:00")  # created on a Monday after its reminder time
    world.secretariat.run("會議 新增 桃園市社會福利委員會")
    world.secretariat.run("新增 桃園 請教育局提報告 主辦：教育部")
    body = world.bot.store.bodies()[1]
    assert run_scheduled(world.bot, body.id, PLATFORMS) is None
    at(world, "2026-12-07 09:30")
    texts = sent(run_scheduled(world.bot, body.id, PLATFORMS))
    # with two bodies, a reminder names its body, and cases carry the body's code
    assert texts["line:Cmoe"].splitlines()[:2] == [
        "【列管事項提醒】教育部 1 案（桃園市社會福利委員會）｜下次會議尚未排定",
        "#桃園1　請教育局提報告　上次回報：無"]


def test_only_chats_on_configured_platforms_are_enqueued(world: World) -> None:
    at(world, "2026-11-30 09:30")
    run_scheduled(world.bot, 1, {"line"})
    assert [r.chat for r in world.bot.store.outbox_rows(key_prefix="remind:")] == ["line:Cmoe"]


def test_on_a_monday_after_the_deadline_only_the_late_hear_it_is_overdue(world: World) -> None:
    world.secretariat.run("下次會議 115/12/18")  # deadline Friday 12/11; Monday 12/14 escalates
    for case in ("1", "2", "4"):
        world.moe.run(f"#{case} 已辦理")
    tick(world, "2026-12-11 09:30")
    texts = sent(tick(world, "2026-12-14 09:30"))
    assert texts["line:Cmoe"].startswith("【列管事項提醒】教育部 3 案｜回報截止 115/12/11（已逾期）")
    assert texts["telegram:-100200"].startswith("【逾期提醒】衛生福利部 2 案｜回報截止 115/12/11（已逾期）")
    assert "逾期未回報：#3、#4。" in texts["telegram:-100200"]
