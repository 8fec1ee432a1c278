"""The daily digest: the day's replies in one message to the secretariat, on office days, once."""

from __future__ import annotations

from bot.rounds import run_digest
from tests.scheduler.conftest import World
from tests.scheduler.test_rounds import PLATFORMS, at


def digest_text(world: World) -> str | None:
    digest = run_digest(world.bot, PLATFORMS)
    if digest is None or not digest.messages:
        return None
    assert [m.chat.key for m in digest.messages if m.chat] == ["line:Csecretariat"]
    return digest.messages[0].text


def test_the_days_replies_reach_the_secretariat_in_one_message(world: World) -> None:
    at(world, "2026-11-23 10:00")
    world.moe.run("#1 已於11/20召開跨部會研商會議，銜接流程草案如附，預計12月底前函頒各縣市政府，並請地方政府配合辦理")
    world.mohw.run("建議解除 3 檢討報告已函送")
    at(world, "2026-11-23 17:30")
    assert digest_text(world) == "\n".join([
        "【今日回報】115/11/23 共 2 則：",
        "・#1 教育部：已於11/20召開跨部會研商會議，銜接流程草案如附，預計12月底前函頒各縣市政…",
        "・#3 衛生福利部保護服務司：建議解除：檢討報告已函送"])
    assert run_digest(world.bot, PLATFORMS) is None  # once a day
    rows = world.bot.store.outbox_rows(key_prefix="digest:")
    assert [r.key for r in rows] == ["digest:line:Csecretariat:2026-11-23"]


def test_a_day_without_replies_sends_nothing(world: World) -> None:
    at(world, "2026-11-23 17:30")
    assert digest_text(world) is None


def test_weekend_replies_wait_for_mondays_digest(world: World) -> None:
    at(world, "2026-11-27 17:30")
    run_digest(world.bot, PLATFORMS)
    at(world, "2026-11-28 11:00")
    world.moe.run("#2 人力已補足")
    at(world, "2026-11-28 17:30")
    assert run_digest(world.bot, PLATFORMS) is None
    at(world, "2026-11-30 17:30")
    assert "・#2 教育部：人力已補足" in (digest_text(world) or "")


def test_the_digest_turned_off_sends_nothing_and_dumps_nothing_later(world: World) -> None:
    world.secretariat.run("通知 摘要 關")
    world.moe.run("#1 已召開會議")
    at(world, "2026-11-23 17:30")
    assert digest_text(world) is None
    world.secretariat.run("通知 摘要 開")
    at(world, "2026-11-24 17:30")
    assert digest_text(world) is None


def test_late_replies_are_marked_in_the_digest(world: World) -> None:
    at(world, "2026-12-17 10:00")
    world.moe.run("#4 已檢視完畢")
    at(world, "2026-12-17 17:30")
    assert "・#4 教育部：已檢視完畢（逾期回報）" in (digest_text(world) or "")
