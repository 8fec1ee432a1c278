"""The aiohttp application: the composition root of a running bot.

Channels plug in through the small `Channel` protocol: each brings its sender (for the outbox),
its routes, and what it must do at start and stop (Telegram's setWebhook or polling).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from bot.core import Bot, open_bot, system_clock
from bot.evidence.jobs import FetchRunner
from bot.files import FileLinks, files_folder
from bot.outbox import OutboxSender
from bot.runtime import Channel, Runtime
from bot.scheduler import ReminderScheduler
from bot.web.routes import install as install_desk
from config.settings import Settings

log = logging.getLogger(__name__)
BOT_KEY: web.AppKey[Bot] = web.AppKey("bot", Bot)


async def healthz(request: web.Request) -> web.Response:
    bot = request.app[BOT_KEY]
    ok = await asyncio.to_thread(bot.store.ping)
    body = {"database": "ok" if ok else "unreachable",
            "channels": {"line": bot.settings.line_enabled, "telegram": bot.settings.telegram_enabled}}
    return web.json_response(body, status=200 if ok else 503)


def build_runtime(bot: Bot) -> Runtime:
    app = web.Application(client_max_size=20 * 1024 * 1024)
    app[BOT_KEY] = bot
    app.router.add_get("/healthz", healthz)
    secret = bot.settings.secret_key or bot.store.secret(key="secret_key")
    links = FileLinks(secret=secret, folder=files_folder(bot.settings), public_url=bot.settings.public_url,
                      clock=bot.clock, store=bot.store)
    links.install(app)
    install_desk(app, bot, secret=secret)
    outbox = OutboxSender(bot.store, {})
    runtime = Runtime(bot=bot, app=app, outbox=outbox, links=links)
    runtime.scheduler = ReminderScheduler(bot, outbox)
    runtime.fetcher = FetchRunner(bot, outbox)
    for make in channel_factories(bot.settings):
        channel = make(runtime)
        channel.install(app)
        outbox.senders[channel.platform] = channel.sender
        runtime.channels.append(channel)
    return runtime


def channel_factories(settings: Settings) -> list[Callable[[Runtime], Channel]]:
    factories: list[Callable[[Runtime], Channel]] = []
    if settings.line_enabled:
        from bot.channels.line import line_channel

        factories.append(line_channel)
    if settings.telegram_enabled:
        from bot.channels.telegram import telegram_channel

        factories.append(telegram_channel)
    return factories


def create_app(bot: Bot) -> web.Application:
    return build_runtime(bot).app


def describe(settings: Settings) -> list[str]:
    """What is configured and what is not, said in zh-TW when `serve` starts."""
    lines = [f"列管機器人啟動：http://{settings.host}:{settings.port}（資料庫：{settings.database_url}）"]
    if settings.line_enabled:
        lines.append("LINE：已啟用，Webhook 網址請設為 {公開網址}/webhooks/line")
    else:
        lines.append("LINE：未設定。請設定 LIEGUAN_LINE_CHANNEL_SECRET 與 LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN"
                     "（LINE Developers 的 Messaging API 頻道），Webhook 指向 /webhooks/line。")
    if settings.telegram_enabled:
        mode = "Webhook" if settings.public_url else "long polling（未設定 LIEGUAN_PUBLIC_URL）"
        lines.append(f"Telegram：已啟用，使用 {mode}。")
    else:
        lines.append("Telegram：未設定。請設定 LIEGUAN_TELEGRAM_TOKEN（向 @BotFather 申請）。")
    if not (settings.line_enabled or settings.telegram_enabled):
        lines.append("還沒有聊天頻道時，可以先用「lieguan chat --as 秘書處」在終端機試用。")
    lines.append("網頁版（秘書處）：同一個網址；登入連結請在秘書處群組輸入「網頁」，或執行 lieguan web-login。")
    lines.append("按 Ctrl-C 停止。")
    return lines


async def serve_forever(settings: Settings, *, clock: Callable[[], datetime] = system_clock) -> None:
    runtime = build_runtime(open_bot(settings, clock=clock))
    runner = web.AppRunner(runtime.app)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    await runtime.start()
    for line in describe(settings):
        print(line, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("列管機器人停止中…", flush=True)
        await runtime.stop()
        await runner.cleanup()
        runtime.bot.store.engine.dispose()
        print("已停止。", flush=True)


def run(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve_forever(settings))
