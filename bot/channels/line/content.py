"""Fetching what a LINE user sent (佐證 photos and files), for the fetch jobs (bot/evidence/jobs.py).

LINE keeps message content only for a while, on its data host (LIEGUAN_LINE_DATA_API_URL); a 404
there means it is gone and only sending it again helps. Content LINE says is provided elsewhere
(contentProvider.type external) is fetched from that URL.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.channels.line.client import LineApi, LineError
from bot.delivery import TemporaryFailure
from bot.evidence.jobs import ContentGone, ContentTooBig
from bot.evidence.sniff import MAX_BYTES

EXTERNAL_TIMEOUT = aiohttp.ClientTimeout(total=60)


class LineContent:
    def __init__(self, api: LineApi) -> None:
        self.api = api

    async def __call__(self, source: dict[str, Any]) -> bytes:
        url = source.get("url")
        if isinstance(url, str) and url:
            return await external(url)
        try:
            return await self.api.content(str(source["message_id"]))
        except LineError as exc:
            if exc.status in (404, 410):
                raise ContentGone(f"LINE {exc.status}") from exc
            raise TemporaryFailure(f"LINE {exc.status}：{exc.reason}") from exc


async def external(url: str) -> bytes:
    """Content at an external URL (https, or http on a test host), read up to the size limit."""
    if not url.startswith(("https://", "http://")):
        raise ContentGone(f"not a web address: {url[:100]}")
    async with aiohttp.ClientSession(timeout=EXTERNAL_TIMEOUT) as session, session.get(url) as response:
        if response.status in (404, 410):
            raise ContentGone(f"{response.status} from the external host")
        if response.status >= 400:
            raise TemporaryFailure(f"{response.status} from the external host")
        data = bytearray()
        async for chunk in response.content.iter_chunked(64 * 1024):
            data += chunk
            if len(data) > MAX_BYTES:
                raise ContentTooBig(f"over {MAX_BYTES} bytes")
        return bytes(data)
