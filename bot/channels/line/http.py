"""One long-lived aiohttp session for everything the LINE channel asks LINE.

Why not the SDK's client: it opens its session with trust_env=True, so every call looks up netrc and
the proxy variables (in a worker thread); and it builds pydantic models we do not need. Here the
session is made once on the running loop and keeps its connections alive; the proxy the environment
names (HTTPS_PROXY, NO_PROXY), if any, is looked up once per host and then reused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from multidict import CIMultiDict
from yarl import URL

JSON = dict[str, Any]
CONNECTIONS = 64  # parallel requests to one host; the outbox sends at most this many at once
KEEPALIVE = 30.0  # seconds an idle connection stays open (LINE's servers keep theirs about as long)


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


def dump(body: JSON) -> bytes:
    """UTF-8 JSON (a zh-TW text half the size of its \\u escapes); a lone surrogate, which UTF-8
    cannot carry, is sent escaped for LINE to judge."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode()


Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


def env_proxy(url: str) -> Proxy:
    """The proxy (and its credentials) the environment names for this URL's host, or none."""
    try:
        return get_env_proxy_for_url(URL(url))
    except LookupError:
        return None, None


class Proxies(dict[str, Proxy]):
    """Each host's proxy, looked up in the environment the first time the host is asked."""

    def for_url(self, url: str) -> Proxy:
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]
        found = self.get(origin)
        if found is None:
            found = self[origin] = env_proxy(origin)
        return found


class LineHttp:
    def __init__(self, access_token: str) -> None:
        self._auth = {"Authorization": f"Bearer {access_token}"}
        self._session: aiohttp.ClientSession | None = None
        self.proxies = Proxies()

    def session(self) -> aiohttp.ClientSession:
        # made on first use: a session belongs to the loop it was made on
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=CONNECTIONS, keepalive_timeout=KEEPALIVE)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False, headers=self._auth)
        return self._session

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

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
