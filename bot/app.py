"""The aiohttp application: the composition root of a running bot."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.core import Bot, open_bot
from config.settings import Settings

log = logging.getLogger(__name__)
BOT_KEY: web.AppKey[Bot] = web.AppKey("bot", Bot)


async def healthz(request: web.Request) -> web.Response:
    bot = request.app[BOT_KEY]
    ok = await asyncio.to_thread(bot.store.ping)
    body = {"database": "ok" if ok else "unreachable",
            "channels": {"line": bot.settings.line_enabled, "telegram": bot.settings.telegram_enabled}}
    return web.json_response(body, status=200 if ok else 503)


def create_app(bot: Bot) -> web.Application:
    app = web.Application(client_max_size=20 * 1024 * 1024)
    app[BOT_KEY] = bot
    app.router.add_get("/healthz", healthz)
    return app


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
    lines.append("按 Ctrl-C 停止。")
    return lines


async def serve_forever(settings: Settings) -> None:
    bot = open_bot(settings)
    runner = web.AppRunner(create_app(bot))
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
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
        await runner.cleanup()
        bot.store.engine.dispose()
        print("已停止。", flush=True)


def run(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve_forever(settings))
