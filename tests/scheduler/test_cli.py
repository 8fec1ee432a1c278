"""`lieguan remind`, `lieguan dayoff` and `lieguan calendar import` as an operator uses them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import Bot, open_bot
from config.settings import Settings
from storage.db import migrate
from tests.scheduler.processes import bind

# the commands as `lieguan` runs them once bot.cli.main() imports bot.cli_remind
MAIN = "import sys, bot.cli_remind; from bot.cli import main; main()"


def lieguan(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LIEGUAN_")} | (env or {})
    return subprocess.run([sys.executable, "-c", MAIN, *args], cwd=cwd, capture_output=True, text=True,
                          env=environment, timeout=120)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def seeded(workdir: Path) -> Bot:
    """The default database under ./data, with a body created yesterday and two agency chats."""
    url = f"sqlite:///{workdir}/data/lieguan.db"
    migrate(url)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    bot = open_bot(Settings(database_url=url), clock=lambda: yesterday)
    body = bot.store.ensure_body(name="強化社會安全網中央跨部會平台", actor="t", chat=None)
    for text in ("請教育部提出轉介流程", "請教育部留意輔導人力"):
        bot.store.add_item(body_id=body.id, text=text, agencies=[("教育部", "lead")], actor="t", chat=None)
    bind(bot, "line:Cmoe")
    bind(bot, "telegram:-100200")
    return bot


def test_dry_run_prints_each_chats_reminder_and_sends_nothing(workdir: Path) -> None:
    bot = seeded(workdir)
    result = lieguan("remind", "--dry-run", cwd=workdir)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.strip().split("\n\n")
    assert blocks[0].splitlines()[:4] == [
        "── line:Cmoe（教育部）（LINE 未設定，不會寄出）",
        "【列管事項提醒】教育部 2 案｜下次會議尚未排定",
        "#1　請教育部提出轉介流程　上次回報：無",
        "#2　請教育部留意輔導人力　上次回報：無"]
    assert blocks[0].splitlines()[4].startswith("[回報 #1] [建議解除 #1] [回報 #2]")
    assert blocks[1].startswith("── telegram:-100200（教育部）（Telegram 未設定，不會寄出）\n【列管事項提醒】")
    assert bot.store.outbox_rows() == []


def test_now_hands_the_round_to_the_outbox_for_the_configured_platforms(workdir: Path) -> None:
    bot = seeded(workdir)
    line = {"LIEGUAN_LINE_CHANNEL_SECRET": "s", "LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN": "t"}
    result = lieguan("remind", "--now", cwd=workdir, env=line)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("已交給寄送程序：1 則提醒（LINE 1 則），由執行中的「lieguan serve」寄出")
    assert [(r.chat, r.status) for r in bot.store.outbox_rows()] == [("line:Cmoe", "pending")]


def test_now_without_any_channel_says_what_to_set(workdir: Path) -> None:
    seeded(workdir)
    result = lieguan("remind", "--now", cwd=workdir)
    assert result.returncode == 1 and "LIEGUAN_TELEGRAM_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_remind_alone_shows_the_schedule(workdir: Path) -> None:
    seeded(workdir)
    result = lieguan("remind", cwd=workdir)
    assert "每週一 09:30 提醒各機關" in result.stdout and "lieguan remind --dry-run" in result.stdout


def test_dayoff_adds_and_cancels_a_typhoon_day(workdir: Path) -> None:
    bot = seeded(workdir)
    result = lieguan("dayoff", "115/12/3", "--reason", "颱風", cwd=workdir)
    assert result.stdout.strip() == "已設定 115年12月3日（星期四）停止上班（颱風），當天的提醒順延至下一個辦公日。"
    assert [(d.day, d.office, d.reason) for d in bot.store.days_off()] == [(date(2026, 12, 3), False, "颱風")]
    assert lieguan("dayoff", "115/12/3", "--cancel", cwd=workdir).returncode == 0
    assert bot.store.days_off() == []
    result = lieguan("dayoff", "115/2/30", cwd=workdir)
    assert result.returncode == 1 and "不是有效日期" in result.stderr


def test_the_dgpa_calendar_is_imported_and_a_typhoon_day_set_by_hand_is_kept(workdir: Path) -> None:
    bot = seeded(workdir)
    lieguan("dayoff", "114/2/7", "--reason", "颱風", cwd=workdir)
    csv = workdir / "114年中華民國政府行政機關辦公日曆表.csv"
    csv.write_bytes("西元日期,星期,是否放假,備註\n20250207,五,0,\n20250208,六,0,補行上班\n20250209,日,2,\n"
                    .encode("cp950"))
    result = lieguan("calendar", "import", str(csv), cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("已匯入辦公日曆：114年2月7日至114年2月9日，共 3 天（放假 1 天、補行上班 1 天）。"
                                     "另保留手動設定的停班日 1 天。")
    days = {d.day: (d.office, d.source) for d in bot.store.days_off()}
    assert days == {date(2025, 2, 7): (False, "manual"), date(2025, 2, 8): (True, "dgpa"),
                    date(2025, 2, 9): (False, "dgpa")}


def test_a_file_that_is_not_the_calendar_is_refused(workdir: Path) -> None:
    other = workdir / "other.csv"
    other.write_text("姓名,電話\n", encoding="utf-8")
    result = lieguan("calendar", "import", str(other), cwd=workdir)
    assert result.returncode == 1 and "辦公日曆表" in result.stderr and result.stdout == ""
