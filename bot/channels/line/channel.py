"""The LINE channel: its sender for the outbox, its webhook route, its start and stop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.line.client import LineApi
from bot.channels.line.content import LineContent
from bot.channels.line.events import EventHandler
from bot.channels.line.sender import LineSender
from bot.channels.line.services import LineServices
from bot.channels.line.webhook import LineWebhook
from bot.delivery import Sender

if TYPE_CHECKING:
    from bot.runtime import Runtime

ROUTE = "/webhooks/line"


class LineChannel:
    platform = "line"

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.bot.settings
        if not (settings.line_channel_secret and settings.line_channel_access_token):
            raise ValueError("LINE 需要 LIEGUAN_LINE_CHANNEL_SECRET 與 LIEGUAN_LINE_CHANNEL_ACCESS_TOKEN")
        self.runtime = runtime
        self.api = LineApi(access_token=settings.line_channel_access_token, api_url=settings.line_api_url,
                           data_url=settings.line_data_url)
        self.services = LineServices(self.api)
        self.sender: Sender = LineSender(runtime, self.api)
        self.events = EventHandler(runtime, self.api, self.services)
        if runtime.fetcher is not None:
            runtime.fetcher.fetchers[self.platform] = LineContent(self.api)
        self.webhook = LineWebhook(secret=settings.line_channel_secret, store=runtime.bot.store,
                                   handle=self.events.handle, clock=runtime.bot.clock,
                                   ready=self.events.ready, together=runtime.receive_together)

    def install(self, app: web.Application) -> None:
        app.router.add_post(ROUTE, self.webhook.post)

    async def start(self) -> None:
        self.webhook.resume()

    async def idle(self) -> None:
        """Every webhook event received so far is handled (its answers are in the outbox)."""
        await self.webhook.idle()

    async def stop(self) -> None:
        await self.webhook.stop()
        await self.api.close()
