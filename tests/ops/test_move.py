"""`lieguan move-to`: a bot's whole SQLite database moves to an empty PostgreSQL one and carries on.

The database is filled as an office fills it: minutes imported with the CLI, agencies' LINE groups
bound, replies typed, a reminder round sent by a real `lieguan serve`. After the move the lists and
the report read the same, and a `serve` on PostgreSQL sends nothing again (the outbox moved as it was).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

from sqlalchemy import text

from bot.core import open_bot
from config.settings import Settings
from storage.db import make_engine
from tests.fakes.line_api import FakeLineApi, new_id
from tests.fakes.telegram_api import FakeTelegramApi
from tests.ops.helpers import lieguan, rows
from tests.scheduler.processes import Serve, bind, due_body, reminders_on_line, until

MINUTES = Path(__file__).parents[1] / "data" / "minutes" / "000_663eb93f7475aed5.txt"
SECOND = "社會福利政策推動委員會"
EVIDENCE = b"%PDF-1.4\n" + bytes(range(256)) * 400  # every byte value, 100 KiB


def outbox(url: str) -> list[tuple[str, str, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT key, chat, status FROM outbox ORDER BY key"))]
    finally:
        engine.dispose()


def readings(url: str, cwd: Path, body: str) -> dict[str, str]:
    """What people read: the items as JSON and the report in each text format."""
    shown = {"items": lieguan("items", "--status", "all", "--json", url=url, cwd=cwd).stdout}
    for fmt in ("md", "csv", "html"):
        out = cwd / f"report-{len(shown)}.{fmt}"
        made = lieguan("report", "--body", body, "--format", fmt, "-o", str(out), url=url, cwd=cwd)
        assert made.returncode == 0, made.stderr
        shown[fmt] = out.read_text(encoding="utf-8-sig")
    return shown


async def test_a_whole_cycle_moves_to_postgresql_and_serve_carries_on_without_resending(
        postgres: object, tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path}/data/lieguan.db"
    imported = lieguan("import", str(MINUTES), "--yes", "--resolve", "keep", url=sqlite, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    items = json.loads(lieguan("items", "--json", url=sqlite, cwd=tmp_path).stdout)
    body = items[0]["body"]
    moe_case = next(i["case"] for i in items if any(a["name"] == "教育部" for a in i["agencies"]))
    mohw_case = next(i["case"] for i in items if any(a["name"] == "衛生福利部" for a in i["agencies"]))

    async with FakeLineApi(max_records=50_000) as line, FakeTelegramApi() as telegram:
        moe, mohw = new_id("C"), new_id("C")
        line.add_group(moe, "教育部聯絡群", count=3)
        line.add_group(mohw, "衛福部聯絡群", count=3)
        bot = open_bot(Settings(database_url=sqlite))
        bind(bot, f"line:{moe}")
        code = bot.store.create_bind_code(agency="衛生福利部", actor="test", chat=None)
        bot.store.redeem_code(code=code, chat=f"line:{mohw}", actor="test")
        moe_item = next(i for i in bot.store.items(status="all") if i.label == moe_case)
        file_id, _ = bot.store.store_evidence(  # a 佐證 file sent in the group, bytes and all
            content=EVIDENCE, sha256=hashlib.sha256(EVIDENCE).hexdigest(), name="研商會議紀錄（第１次）.pdf",
            mime="application/pdf", agency="教育部", author="line:Umoe", chat=f"line:{moe}", message_id="m1",
            at=bot.clock(), body_id=moe_item.body_id, item_id=moe_item.id)
        bot.store.engine.dispose()
        for agency, case in (("教育部", moe_case), ("衛生福利部", mohw_case)):
            said = lieguan("chat", "--as", agency, url=sqlite, cwd=tmp_path,
                           stdin=f"#{case} 已召開跨部會研商會議（第１次），並函送各縣市政府。\n")
            assert "已記錄" in said.stdout, said.stdout + said.stderr
        due_body(sqlite, SECOND)  # its weekly round is due: the first serve sends it

        first = Serve(sqlite, line, telegram, tmp_path, "first")
        try:
            await until(lambda: reminders_on_line(line, moe, SECOND) == 1, why="the reminder round",
                        processes=(first,))
            await until(lambda: all(status == "sent" for _, _, status in outbox(sqlite)), why="outbox sent",
                        processes=(first,))
        finally:
            first.stop()
        sent_before, pushes_before = outbox(sqlite), len(line.pushed())
        before = readings(sqlite, tmp_path, body)

        target = str(postgres.create_database("moved"))  # type: ignore[attr-defined]
        moved = lieguan("move-to", target, url=sqlite, cwd=tmp_path)
        assert moved.returncode == 0, moved.stderr
        assert moved.stdout.strip().splitlines()[-1] == f"LIEGUAN_DATABASE_URL={target}"
        assert "筆數與檢查碼都相符" in moved.stdout
        assert rows(target, "reply") == rows(sqlite, "reply") >= 2
        assert outbox(target) == sent_before
        assert readings(target, tmp_path, body) == before
        moved_bot = open_bot(Settings(database_url=target))
        kept = moved_bot.store.evidence_content(file_id=file_id)
        moved_bot.store.engine.dispose()
        assert kept is not None and kept[1] == EVIDENCE and kept[0].name == "研商會議紀錄（第１次）.pdf"

        second = Serve(target, line, telegram, tmp_path, "second")
        try:
            engine = make_engine(target)
            leads = text("SELECT value FROM keyvalue WHERE key = 'note:scheduler'")

            def leading() -> bool:
                with engine.connect() as conn:
                    return f":{second.pid} " in (conn.execute(leads).scalar() or "")

            await until(leading, why="the second serve leading the schedule", processes=(second,))
            engine.dispose()
            await asyncio.sleep(8)  # an outbox that would resend does it at once; a sync runs every 5 s
            said = lieguan("chat", "--as", "教育部", url=target, cwd=tmp_path,
                           stdin=f"#{moe_case} 補充：已完成轉介流程草案。\n")
            assert "已記錄" in said.stdout, said.stdout + said.stderr
        finally:
            second.stop()
        assert len(line.pushed()) == pushes_before
        assert reminders_on_line(line, moe, SECOND) == 1
        assert [r for r in outbox(target) if r in sent_before] == sent_before
        assert all(status == "sent" for _, _, status in outbox(target))


def test_the_move_refuses_a_target_that_holds_data_and_a_source_that_is_not_sqlite(
        postgres: object, tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path}/lieguan.db"
    said = lieguan("chat", "--as", "秘書處", url=sqlite, cwd=tmp_path, stdin="會議 新增 社會福利政策推動委員會\n")
    assert said.returncode == 0, said.stderr
    target = str(postgres.create_database("not_empty"))  # type: ignore[attr-defined]
    assert lieguan("move-to", target, url=sqlite, cwd=tmp_path).returncode == 0
    again = lieguan("move-to", target, url=sqlite, cwd=tmp_path)
    assert again.returncode == 1 and "目的地資料庫已經有資料（會議 1 筆" in again.stderr
    assert "沒有搬移任何資料" in again.stderr and rows(target, "body") == 1
    from_pg = lieguan("move-to", target, url=target, cwd=tmp_path)
    assert from_pg.returncode == 1 and "目前的資料庫不是 SQLite" in from_pg.stderr
