"""The Telegram channel: updates in (webhook or long polling), the sender out, the menu at start.

Why the plain `telegram.Bot` and `Update.de_json`, not PTB's Application: our router already
dispatches; the Application's queue is in memory, while every update here is recorded in the database
before the 200 (or before its offset is confirmed) so that a redelivery is dropped and a crash
recovered; its Updater confirms updates before they are handled; and its rate limiter sleeps inside
each request, unaware of the outbox, which must decide itself when a row is retried.

An update is recorded (ledger.py, in group commits), answered 200, then handled in the background: a
chat's updates in order, chats taking turns (lanes.py). One that a dead process left `received` is
taken up again by the sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.channels.jsonbody import UnreadableBody, load_json
from bot.channels.telegram import menu
from bot.channels.telegram.content import TelegramContent
from bot.channels.telegram.handling import Handling
from bot.channels.telegram.lanes import Lanes
from bot.channels.telegram.ledger import Ledger
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.throttle import Throttle
from bot.channels.telegram.translate import ALLOWED_UPDATES, Me, lane_of
from bot.delivery import Sender
from bot.runtime import ready_in_order

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts
STALE = timedelta(minutes=2)  # handling takes seconds; a `received` update this old was orphaned
KEEP = timedelta(days=2)  # Telegram redelivers for 24 hours at most
SWEEP_SECONDS = 60.0
DATABASE_RETRY = 2.0  # seconds before an update that met an unreachable database is handled again
TAKE_OVER_SECONDS = 1.0  # on a shared database: how often to look for what a dead replica left
RETRY_AFTER = "5"  # seconds, with every 503 while the database is unreachable
MAX_UPDATE_ID = 2**63  # Telegram's ids are signed 64-bit at most; a longer number is not an update


class TelegramServices:
    """What only Telegram knows, for the handlers (ChannelServices): no quota; a group's size."""

    def __init__(self, api: Bot) -> None:
        self.api = api

    async def quota(self) -> tuple[int | None, int] | None:
        return None

    async def member_count(self, chat_id: str) -> int | None:
        try:
            return await self.api.get_chat_member_count(int(chat_id))
        except (TelegramError, ValueError):
            return None


def file_url(api_url: str) -> str:
    """PTB's base_file_url from its base_url: …/bot → …/file/bot (also for a local Bot API server)."""
    at = api_url.rfind("/bot")
    return api_url[:at] + "/file" + api_url[at:] if at >= 0 else api_url.rstrip("/") + "/file/bot"


class TelegramChannel:
    platform = "telegram"

    def __init__(self, runtime: Runtime, *, throttle: Throttle | None = None, poll_timeout: int = 25) -> None:
        settings = runtime.bot.settings
        if not settings.telegram_token:
            raise ValueError("LIEGUAN_TELEGRAM_TOKEN 未設定")
        self.runtime = runtime
        self.store = runtime.bot.store
        self.bot_id = settings.telegram_token.split(":", 1)[0]
        self.api = Bot(settings.telegram_token, base_url=settings.telegram_api_url,
                       base_file_url=file_url(settings.telegram_api_url))
        self.telegram_sender = TelegramSender(self.api, self.store, throttle=throttle)
        self.sender: Sender = self.telegram_sender
        self.secret = settings.telegram_secret or self.store.secret(key="telegram_secret")
        self.me = Me()
        self.services = TelegramServices(self.api)
        self.handling = Handling(self)
        if runtime.fetcher is not None:
            runtime.fetcher.fetchers[self.platform] = TelegramContent(self.api)
        self.ledger = Ledger(self.store, on_finished=self._finished, quick=self._quick)
        self.lanes = Lanes(workers=4)
        self.poller = Poller(self.api, self.accept, timeout=poll_timeout)
        self.mode: str | None = None  # "webhook" or "polling" once started
        self._tasks: list[asyncio.Task[None]] = []
        self._inflight: set[str] = set()  # keys this process is handling: the sweep leaves them be
        self._recent: deque[int] = deque(maxlen=2000)
        self._waiters: dict[int, asyncio.Event] = {}
        # an observer (benchmarks, monitoring): called as soon as an update's handling is over
        self.on_handled: Callable[[int], None] | None = None

    # ---- the app -----------------------------------------------------------------------------
    def install(self, app: web.Application) -> None:
        app.router.add_post("/webhooks/telegram", self.webhook)

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8"), self.secret.encode("utf-8")):
            return web.Response(status=403, text="secret token mismatch")
        try:
            data = load_json(await request.read())
        except UnreadableBody:
            log.info("Telegram webhook with a body that is not JSON we can read")
            return web.Response(status=400, text="body is not JSON")
        try:
            await self.accept(data)
        except SQLAlchemyError:
            log.exception("could not record a Telegram update")
            return web.Response(status=503, text="database unavailable; Telegram will retry",
                                headers={"Retry-After": RETRY_AFTER})
        return web.Response(status=200)

    async def accept(self, data: Any) -> bool:
        """Record one raw update and handle it in the background; False for a repeat or a non-update."""
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < MAX_UPDATE_ID:
            log.info("ignored a Telegram request without a usable update_id")
            return False
        key = self.key(update_id)
        mine = key not in self._inflight
        self._inflight.add(key)  # from now: the sweep must not take it up while it is being recorded
        recorded = "known"
        try:
            recorded = await self.ledger.record(key, data)
        finally:
            if mine and recorded != "new":
                self._inflight.discard(key)
        if recorded == "known":
            log.info("Telegram update %s was handled already", update_id)
            return False
        if recorded == "handled":  # answered in the unit of work that recorded it
            if self.on_handled is not None:
                self.on_handled(update_id)
            self._handled(update_id)
            return True
        self._spawn(key, update_id, data)
        return True

    async def _quick(self, rows: list[tuple[str, dict[str, Any]]],
                     record: Callable[[set[str]], set[str]]) -> tuple[set[str], set[str]] | None:
        """Record updates and answer the plain texts among them in one unit of work; a chat with
        updates in the lanes (or one that must wait here) keeps its later ones behind them."""
        ready = ready_in_order(rows, lane=lane_of, ready=self.handling.ready,
                               waiting={lane for lane in map(lane_of, (d for _, d in rows)) if self.lanes.holds(lane)})
        if not ready:
            return None
        fresh = await self.runtime.receive_together(ready, record)
        return fresh, {r.key for r in ready if r.key in fresh}

    def _spawn(self, key: str, update_id: int, data: dict[str, Any]) -> None:
        self._inflight.add(key)
        self.lanes.spawn(lane_of(data), self._handle(key, update_id, data))

    def key(self, update_id: int) -> str:
        return f"telegram:{self.bot_id}:{update_id}"

    async def _handle(self, key: str, update_id: int, data: dict[str, Any]) -> None:
        failed = False
        try:
            await self.handling.update(key, data)
        except SQLAlchemyError:  # the database is away, not the update at fault: handled again later
            log.warning("Telegram update %s waits for the database", update_id)
            asyncio.get_running_loop().call_later(DATABASE_RETRY, self._spawn, key, update_id, data)
            return
        except Exception:  # the router answers its own errors; this is the channel's, and final
            log.exception("handling Telegram update %s failed", update_id)
            failed = True
        if self.on_handled is not None:
            self.on_handled(update_id)
        self.ledger.finish(key, failed=failed)  # committed with the next records: then _finished

    def _finished(self, keys: list[str]) -> None:
        for key in keys:
            self._inflight.discard(key)
            self._handled(int(key.rsplit(":", 1)[1]))

    # ---- start and stop ------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect (getMe), set the menu, then the webhook or long polling; retried while offline."""
        if not await self._connect():
            self._tasks.append(asyncio.create_task(self._keep_connecting(), name="telegram-connect"))
        self._tasks.append(asyncio.create_task(self._sweep(), name="telegram-sweep"))

    async def _connect(self) -> bool:
        settings = self.runtime.bot.settings
        try:
            await self.api.initialize()
            self.me = Me(self.api.id, self.api.username)
            await menu.publish(self.api, self.runtime.bot.router, secretariat_chats=self._secretariat_chats())
            if settings.public_url:
                await self._set_webhook(settings.public_url.rstrip("/") + "/webhooks/telegram")
            else:
                await self.api.delete_webhook(drop_pending_updates=False)
                self.mode = "polling"
                self._tasks.append(asyncio.create_task(self.poller.run(), name="telegram-polling"))
            return True
        except InvalidToken:
            log.error("Telegram 不接受 LIEGUAN_TELEGRAM_TOKEN，Telegram 頻道未啟動。請向 @BotFather 確認權杖。")
            return True  # nothing to retry
        except TelegramError as error:
            log.warning("暫時連不上 Telegram（%s），稍後重試", error)
            return False

    async def _set_webhook(self, url: str) -> None:
        if not _SECRET_SHAPE.match(self.secret):
            log.error("LIEGUAN_TELEGRAM_SECRET 只能有英文字母、數字、底線與連字號（最多 256 字），Webhook 未設定。")
            return
        await self.api.set_webhook(url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES,
                                   drop_pending_updates=False)
        self.mode = "webhook"
        log.info("Telegram webhook: %s", url)

    async def _keep_connecting(self) -> None:
        delay = 5.0
        while True:
            await asyncio.sleep(delay)
            if await self._connect():
                return
            delay = min(300.0, delay * 2)

    async def _sweep(self) -> None:
        """Take up updates a dead process left half-done; forget old ones.

        Updates name the process handling them: on SQLite (one process per database) whatever
        another process left is taken up at this start; on PostgreSQL, what a process whose lease
        lapsed left, within seconds (storage/leases.py), so a replica that died costs no minute.
        """
        single = self.store.engine.dialect.name == "sqlite"
        prefix = f"telegram:{self.bot_id}:"
        pruned = 0.0
        while True:
            try:
                stale = None if single else self.store.clock() - STALE  # updates recorded before owners
                claimed = [(k, d) for k, d in self.store.take_over_events(prefix=prefix, stale_before=stale)
                           if k not in self._inflight]
                answered = self.store.tg_answered(keys=[k for k, _ in claimed]) if claimed else set()
                for key, data in claimed:
                    if key in answered:  # handled; the process died before it was marked done
                        self.store.tg_finish_update(key=key)
                        continue
                    log.info("taking up Telegram update %s again", key)
                    self._spawn(key, int(key.rsplit(":", 1)[1]), data)
                if time.monotonic() - pruned > SWEEP_SECONDS:
                    self.store.tg_prune_updates(prefix=prefix, before=self.store.clock() - KEEP)
                    pruned = time.monotonic()
            except SQLAlchemyError:
                log.exception("Telegram sweep failed")
            # one process per SQLite database: nothing is left behind while this one runs
            await asyncio.sleep(SWEEP_SECONDS if single else TAKE_OVER_SECONDS)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.lanes.drain(timeout=10.0)
        await self.lanes.close()
        self.ledger.commit()
        await self.telegram_sender.close()
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.api.shutdown()

    def _secretariat_chats(self) -> list[int]:
        from storage.models import SECRETARIAT

        return [int(chat.split(":", 1)[1]) for chat, agency in self.store.bindings()
                if agency == SECRETARIAT and chat.startswith("telegram:")]

    # ---- waiting for an update to be handled (tests, benchmarks) -------------------------------
    def _handled(self, update_id: int) -> None:
        self._recent.append(update_id)
        waiter = self._waiters.pop(update_id, None)
        if waiter is not None:
            waiter.set()

    async def handled(self, update_id: int, *, timeout: float = 10.0) -> None:
        """Return once the update with this id has been handled and marked done."""
        if update_id in self._recent:
            return
        event = self._waiters.setdefault(update_id, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)

    async def idle(self, *, timeout: float = 10.0) -> None:
        """Return once nothing is being handled and what was handled is marked done."""
        await self.lanes.drain(timeout=timeout)
        self.ledger.commit()
