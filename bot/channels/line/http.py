"""One long-lived aiohttp session for everything the LINE channel asks LINE.

Why not the SDK's client: it opens its session with trust_env=True, so every call looks up netrc and
the proxy variables (in a worker thread); and it builds pydantic models we do not need. Here the
session is bot/channels/keptsession.py's: made once, kept alive, the proxy looked up once per host.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from multidict import CIMultiDict

from bot.channels.keptsession import KeptSession, dump

JSON = dict[str, Any]
CONNECTIONS = 64  # parallel requests to one host; the outbox sends at most this many at once


class LineError(Exception):
    """LINE answered with an error status; `body` is its JSON (a dict, possibly empty)."""

    def __init__(self, status: int, reason: str, body: JSON, headers: Mapping[str, str]) -> None:
        super().__init__(f"{status} {reason}")
        self.status, self.reason, self.body, self.headers = status, reason, body, headers

    @property
    def message(self) -> str:
        return str(self.body.get("message") or self.reason or self.status)


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)  # case-insensitive when from LINE
    data: bytes = b""

    def json(self) -> JSON:
        try:
            answer = json.loads(self.data or b"{}")
        except ValueError:
            return {}
        return answer if isinstance(answer, dict) else {}


class LineHttp(KeptSession):
    def __init__(self, access_token: str) -> None:
        super().__init__(connections=CONNECTIONS, headers={"Authorization": f"Bearer {access_token}"})

    async def post(self, url: str, body: JSON, *, timeout: aiohttp.ClientTimeout,
                   headers: dict[str, str] | None = None) -> Answer:
        data = dump(body)
        sent = {"Content-Type": "application/json", **(headers or {})}
        return await self._request("POST", url, timeout, data=data, headers=sent)

    async def get(self, url: str, *, timeout: aiohttp.ClientTimeout) -> Answer:
        return await self._request("GET", url, timeout)

    async def _request(self, method: str, url: str, timeout: aiohttp.ClientTimeout, *,
                       data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        proxy, proxy_auth = self.proxies.for_url(url)
        async with self.session().request(method, url, data=data, headers=headers, timeout=timeout,
                                          proxy=proxy, proxy_auth=proxy_auth) as response:
            answer = Answer(response.status, CIMultiDict(response.headers), await response.read())
            if response.status >= 300:
                raise LineError(response.status, response.reason or "", answer.json(), answer.headers)
            return answer
