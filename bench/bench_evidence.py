"""佐證: store N files of 1 MB (content-addressed, in the database) and build a meeting's zip from them.

    .venv/bin/python bench/bench_evidence.py                 # 50 and 200 files, SQLite
    .venv/bin/python bench/bench_evidence.py --files 200 --database-url postgresql://…

Peak memory is tracemalloc's (Python allocations) while each phase runs: the zip is written to disk from
rows read a few at a time, so its peak should not grow with the number of files.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.context import Actor
from bot.core import Bot, open_bot
from bot.messages import ChatRef, Incoming
from config.settings import Settings
from storage.db import migrate

MB = 1024 * 1024


TRACE = True  # --no-trace: times without tracemalloc's overhead (which slows every allocation)


def measured(work: Callable[[], Any]) -> tuple[Any, float, float]:
    if TRACE:
        tracemalloc.start()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if TRACE else 0
    tracemalloc.stop()
    return result, elapsed, peak / MB


def say(bot: Bot, text: str) -> str:
    msg = Incoming(chat=ChatRef("console", "bench"), user_id="bench", text=text, at=datetime.now(UTC))
    answers = asyncio.run(bot.handle(msg, actor=Actor("secretariat")))
    return "\n".join(a.text for a in answers)


def store_files(bot: Bot, count: int) -> int:
    [item] = bot.store.find_case(ref="1")
    for n in range(count):
        content = b"%PDF-1.7\n" + os.urandom(MB - 9)  # distinct contents: nothing is deduplicated
        reply = bot.store.add_reply(item_id=item.id, agency="教育部", text=f"第{n}次回報", author="line:U1",
                                    chat="line:Cmoe", message_id=f"text-{n}")
        bot.store.store_evidence(content=content, sha256=hashlib.sha256(content).hexdigest(), name=f"佐證{n}.pdf",
                                 mime="application/pdf", agency="教育部", author="line:U1", chat="line:Cmoe",
                                 message_id=f"file-{n}", at=datetime.now(UTC), body_id=item.body_id,
                                 item_id=item.id, reply_id=reply)
    return count


def run(url: str, count: int) -> None:
    migrate(url)
    bot = open_bot(Settings(database_url=url))
    say(bot, "會議 新增 效能測試會議")
    say(bot, "新增 請教育部提出轉介流程 主辦：教育部")
    _, stored_s, stored_peak = measured(lambda: store_files(bot, count))
    answer, zip_s, zip_peak = measured(lambda: say(bot, "報告 附件"))
    assert f"佐證 {count} 個檔案" in answer, answer
    print(f"{count} files of 1 MB ({bot.store.engine.dialect.name}):")
    print(f"  store: {stored_s:.2f} s ({count / stored_s:.0f} files/s), peak {stored_peak:.1f} MB")
    print(f"  zip:   {zip_s:.2f} s ({count / zip_s:.0f} files/s), peak {zip_peak:.1f} MB")
    bot.store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, nargs="*", default=[50, 200])
    parser.add_argument("--database-url")
    parser.add_argument("--no-trace", action="store_true")
    args = parser.parse_args()
    global TRACE
    TRACE = not args.no_trace
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # the zip is written under the files folder beside the database (./data/files)
        for count in args.files:
            run(args.database_url or f"sqlite:///{Path(tmp)}/bench{count}.db", count)


if __name__ == "__main__":
    main()
