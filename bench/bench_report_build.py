"""Building a report from the database: 500 items, three agencies' replies on most, on SQLite.

    .venv/bin/python bench/bench_report_build.py [--rows 500]

Measures `build_report` (reading items, replies, decisions and the secretariat's texts, and
composing each agency's 辦理情形), not the rendering (bench/bench_report.py does that).
Time is the median of five builds after one warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.context import Actor
from bot.core import open_bot
from config.settings import Settings
from handlers.reports import build_report
from storage.db import migrate

AGENCIES = ("衛生福利部", "教育部", "勞動部", "內政部", "法務部")
REPLY = "已於{d}日召開跨部會研商會議，就銜接流程、轉介指標及人力配置達成共識，相關草案已送各縣市政府表示意見。"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        migrate(url)
        now = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
        bot = open_bot(Settings(database_url=url), clock=lambda: now)
        store = bot.store
        body = store.ensure_body(name="強化社會安全網中央跨部會平台", actor="bench", chat=None)
        replies = 0
        for i in range(args.rows):
            names = AGENCIES[i % 5: i % 5 + 3] or AGENCIES[:1]
            item = store.add_item(body_id=body.id, text=f"第{i + 1}案決議事項", actor="bench", chat=None,
                                  agencies=[(n, "lead" if k == 0 else "assist") for k, n in enumerate(names)])
            for k, name in enumerate(names[: i % 4]):
                for n in range(1 + (i + k) % 2):
                    store.add_reply(item_id=item.id, agency=name, text=REPLY.format(d=n + 1), author="bench",
                                    chat="bench", at=now - timedelta(days=n))
                    replies += 1
        ctx = bot.context(actor=Actor("secretariat"))
        found = store.bodies()[0]
        build_report(ctx, found)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            data = build_report(ctx, found)
            times.append(time.perf_counter() - start)
        print(f"報告資料 {len(data.rows)} 案、回報 {replies} 則：build_report 中位數 {statistics.median(times):.3f} 秒"
              f"（最快 {min(times):.3f} 秒）")
        store.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
