"""One long-lived aiohttp session per platform, and the JSON it sends (LINE's and Telegram's http.py).

The session is made on first use, on the running loop, and keeps its connections alive; it looks
nothing up in the environment per call (trust_env off): the proxy the environment names
(HTTPS_PROXY, NO_PROXY), if any, is looked up once per host and then reused.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

KEEPALIVE = 30.0  # seconds an idle connection stays open (the platforms keep theirs about as long)
Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


def dump(body: dict[str, Any]) -> bytes:
    """UTF-8 JSON (a zh-TW text half the size of its \\u escapes); a lone surrogate, which UTF-8
    cannot carry, is sent escaped for the platform to judge."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode()


class Proxies(dict[str, Proxy]):
    """Each host's proxy (and its credentials), looked up in the environment the first time."""

    def for_url(self, url: str) -> Proxy:
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]
        found = self.get(origin)
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(origin))
            except LookupError:
                found = (None, None)
            self[origin] = found
        return found


class KeptSession:
    def __init__(self, *, connections: int, **options: Any) -> None:
        self.connections = connections
        self.options = options  # headers, timeout: what every call of this platform carries
        self.proxies = Proxies()
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        # made on first use: a session belongs to the loop it was made on
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, keepalive_timeout=KEEPALIVE)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False, **self.options)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
