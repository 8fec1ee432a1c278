"""The web application: health, and what `serve` says at start."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app, describe
from bot.core import Bot
from config.settings import Settings
from storage.db import make_engine


async def test_healthz_reports_database_and_channels(bot: Bot) -> None:
    async with TestClient(TestServer(create_app(bot))) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"database": "ok", "channels": {"line": False, "telegram": False}}


async def test_healthz_is_503_when_the_database_is_gone(sqlite_url: str, clock: object) -> None:
    from tests.conftest import make_bot

    broken = make_bot(sqlite_url, clock)  # type: ignore[arg-type]
    app = create_app(broken)
    broken.store.engine.dispose()
    broken.store.engine = make_engine("postgresql://nobody@127.0.0.1:1/none")  # nothing listens there
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/healthz")
        assert response.status == 503 and (await response.json())["database"] == "unreachable"


async def test_unconfigured_webhooks_are_404(bot: Bot) -> None:
    async with TestClient(TestServer(create_app(bot))) as client:
        assert (await client.post("/webhooks/line", data=b"{}")).status == 404
        assert (await client.post("/webhooks/telegram", data=b"{}")).status == 404


def test_serve_says_what_is_missing_and_how_to_try_the_bot() -> None:
    lines = "\n".join(describe(Settings(database_url="sqlite:///x.db")))
    assert "LIEGUAN_LINE_CHANNEL_SECRET" in lines and "LIEGUAN_TELEGRAM_TOKEN" in lines
    assert "lieguan chat --as 秘書處" in lines
