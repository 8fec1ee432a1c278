"""The channel's bookkeeping in group commits: updates recorded before their 200, marked done after."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import OperationalError

from bot.channels.telegram.ledger import FINISH_DELAY, Ledger
from bot.core import Bot
from storage.db import make_engine


def update(n: int) -> dict[str, object]:
    return {"update_id": n, "message": {"text": f"/r {n} 已完成"}}


async def test_updates_arriving_together_are_recorded_together_and_a_repeat_is_refused(bot: Bot) -> None:
    ledger = Ledger(bot.store, on_finished=lambda keys: None)

    fresh = await asyncio.gather(*(ledger.record(f"telegram:1:{n}", update(n)) for n in (1, 2, 1)))

    assert fresh == ["new", "new", "known"]  # the same update twice in one batch counts once
    assert await ledger.record("telegram:1:2", update(2)) == "known"  # a redelivery later
    assert bot.store.tg_update_status(key="telegram:1:1") == "received"


async def test_a_finished_update_is_marked_done_then_announced(bot: Bot) -> None:
    done: list[list[str]] = []
    ledger = Ledger(bot.store, on_finished=done.append)
    await ledger.record("telegram:1:7", update(7))
    await ledger.record("telegram:1:8", update(8))

    ledger.finish("telegram:1:7")
    ledger.finish("telegram:1:8", failed=True)
    assert done == []  # waiting for company
    await asyncio.sleep(FINISH_DELAY * 3)

    assert done == [["telegram:1:7", "telegram:1:8"]]
    assert bot.store.tg_update_status(key="telegram:1:7") == "done"
    assert bot.store.tg_update_status(key="telegram:1:8") == "failed"


async def test_when_the_database_is_gone_the_record_fails_and_nothing_is_lost(bot: Bot) -> None:
    done: list[list[str]] = []
    ledger = Ledger(bot.store, on_finished=done.append)
    await ledger.record("telegram:1:9", update(9))
    ledger.finish("telegram:1:9")
    working = bot.store.engine
    bot.store.engine = make_engine("postgresql://nobody@127.0.0.1:1/none")  # nothing listens there
    try:
        with pytest.raises(OperationalError):
            await ledger.record("telegram:1:10", update(10))  # the webhook answers 503: Telegram retries
    finally:
        bot.store.engine = working

    ledger.commit()  # what was finished is tried again

    assert done == [["telegram:1:9"]]
    assert bot.store.tg_update_status(key="telegram:1:9") == "done"
