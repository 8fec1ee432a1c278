"""SIGKILL in the middle of a reminder round, then a restart: every chat gets its reminder.

The real `lieguan serve` runs the round its scheduler finds due at start; LINE and Telegram (the
fakes) hold the requests after the first few open, so that some are in flight when the process is
killed. The held requests then complete (the platform took them), and the restarted process sends
the rest: exactly one reminder per chat on LINE (X-Line-Retry-Key), and on Telegram, which has no
idempotency key, at most the message that was in flight to a chat arrives twice.
"""

from __future__ import annotations

from pathlib import Path

from tests.scheduler.processes import (
    HeldLine,
    HeldTelegram,
    Serve,
    due_body,
    prepare,
    reminders_on_line,
    reminders_on_telegram,
    until,
)


async def test_a_round_killed_midway_reaches_every_chat_after_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/lieguan.db"
    async with HeldLine(passing=5) as line, HeldTelegram(passing=5) as telegram:
        chats = prepare(url, line, telegram, line_chats=40, telegram_chats=30)
        due_body(url, "強化社會安全網中央跨部會平台")
        first = Serve(url, line, telegram, tmp_path, "first")
        try:
            await until(lambda: bool(line.held) and bool(telegram.held), why="requests in flight",
                        processes=(first,))
        finally:
            first.kill()
        in_flight = set(telegram.held)
        line.gate.set()  # LINE and Telegram take what was in flight when the bot died
        telegram.gate.set()
        assert sum(reminders_on_line(line, c) for c in chats.line) < len(chats.line)  # mid-round indeed

        second = Serve(url, line, telegram, tmp_path, "second")
        try:
            await until(lambda: all(reminders_on_line(line, c) for c in chats.line)
                        and all(reminders_on_telegram(telegram, c) for c in chats.telegram),
                        why="every chat's reminder", processes=(second,))
        finally:
            second.stop()

    assert [reminders_on_line(line, c) for c in chats.line] == [1] * len(chats.line)
    twice = {c for c in chats.telegram if reminders_on_telegram(telegram, c) == 2}
    assert all(reminders_on_telegram(telegram, c) in (1, 2) for c in chats.telegram)
    assert twice <= in_flight  # only a message that was in flight may arrive twice
    assert 409 in [call.status for call in line.calls]  # LINE refused the resends by retry key
