"""The sender's own Bot API calls: one session that trusts no environment, Telegram's errors sorted
exactly as python-telegram-bot sorts them (the outbox's retry rules depend on it)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot as TelegramBot
from telegram.error import TelegramError
from telegram.request import BaseRequest, RequestData

from bot.channels.telegram.http import TelegramHttp, error
from bot.channels.telegram.sender import TelegramSender
from bot.core import Bot
from bot.delivery import Envelope
from bot.messages import Outgoing
from tests.channels.telegram.conftest import MOE, TOKEN
from tests.fakes.telegram_api import FakeTelegramApi


@pytest.fixture
async def sender(bot: Bot) -> AsyncIterator[tuple[TelegramSender, FakeTelegramApi]]:
    async with FakeTelegramApi(token=TOKEN, rate_limits=False) as api, TelegramBot(
            TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        api.add_chat(MOE)
        sender = TelegramSender(client, bot.store)
        yield sender, api
        await sender.close()


async def test_messages_go_over_one_session_that_does_not_look_at_the_environment_per_call(
        sender: tuple[TelegramSender, FakeTelegramApi], monkeypatch: pytest.MonkeyPatch) -> None:
    telegram, api = sender
    await telegram.send(Envelope(str(MOE), Outgoing("案 0"), key="k0"))
    session = telegram.http.session()

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # were it read per call, sending would fail
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    for n in (1, 2):
        await telegram.send(Envelope(str(MOE), Outgoing(f"案 {n}"), key=f"k{n}"))

    assert api.texts(MOE) == ["案 0", "案 1", "案 2"]
    assert session.trust_env is False and telegram.http.session() is session
    await telegram.close()
    assert session.closed


async def test_a_lone_surrogate_reaches_telegram_escaped_for_telegram_to_judge(
        sender: tuple[TelegramSender, FakeTelegramApi]) -> None:
    telegram, api = sender
    with contextlib.suppress(TelegramError):  # what Telegram answers is Telegram's to say
        await telegram.http.call("sendMessage", {"chat_id": MOE, "text": "收到 \ud800 了"})
    assert api.calls[-1].params["text"] == "收到 \ud800 了"


class _Answering(BaseRequest):
    """PTB's own request wrapper, fed one HTTP answer: what PTB raises for it."""

    def __init__(self, status: int, payload: bytes) -> None:
        self.answer = (status, payload)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         **timeouts: Any) -> tuple[int, bytes]:
        return self.answer


def _body(code: int, description: str, parameters: dict[str, Any] | None = None) -> bytes:
    body = {"ok": False, "error_code": code, "description": description}
    return json.dumps(body | ({"parameters": parameters} if parameters else {})).encode()


ANSWERS = [
    (429, _body(429, "Too Many Requests: retry after 7", {"retry_after": 7})),
    (400, _body(400, "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": -1001234567890})),
    (403, _body(403, "Forbidden: bot was kicked from the group chat")),
    (401, _body(401, "Unauthorized")),
    (404, _body(404, "Not Found")),
    (400, _body(400, "Bad Request: chat not found")),
    (409, _body(409, "Conflict: terminated by other getUpdates request")),
    (500, _body(500, "Internal Server Error")),
    (502, b"<html>Bad Gateway</html>"),
    (400, _body(400, "Bad Request: odd", {"something": 1})),
]


@pytest.mark.parametrize(("status", "payload"), ANSWERS)
async def test_an_error_answer_is_the_error_ptb_would_raise(status: int, payload: bytes) -> None:
    with pytest.raises(TelegramError) as ptb:
        await _Answering(status, payload).post("https://example.invalid/bot1:x/sendMessage")

    ours = error(status, json.loads(payload) if payload.startswith(b"{") else None, payload)

    assert type(ours) is type(ptb.value) and ours.message == ptb.value.message


async def test_an_answer_from_an_unreachable_host_is_a_network_error() -> None:
    from telegram.error import NetworkError

    http = TelegramHttp("http://127.0.0.1:9/bot1:x")  # nothing listens there
    try:
        with pytest.raises(NetworkError):
            await http.call("sendMessage", {"chat_id": 1, "text": "x"})
    finally:
        await http.close()
