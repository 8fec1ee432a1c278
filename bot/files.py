"""Signed, expiring download links (LINE cannot send documents): GET /files/{token}.

A token names a file kept under the folder (a report) or a 佐證 file kept in the database by its id;
either way it is served as an attachment, never sniffed by the browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from config.settings import Settings
    from storage.store import Store

SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff（）()]+")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FileLinks:
    def __init__(self, *, secret: str, folder: Path, public_url: str | None,
                 clock: Callable[[], datetime], store: Store | None = None) -> None:
        self.secret = secret.encode("utf-8")
        self.store = store
        self.folder = folder
        self.public_url = (public_url or "").rstrip("/")
        self.clock = clock

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self.secret, payload.encode("ascii"), hashlib.sha256).digest())

    def publish(self, filename: str, content: bytes, *, ttl: timedelta = timedelta(days=7)) -> str:
        """Keep the file and return its link, valid for `ttl`."""
        stored = f"{secrets.token_hex(8)}/{SAFE_NAME.sub('_', filename)}"
        path = self.folder / stored
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return self._link({"f": stored}, ttl)

    def reserve(self, filename: str, *, ttl: timedelta = timedelta(days=7)) -> tuple[Path, str]:
        """A place to write a large file to (a zip built streaming) and its link."""
        stored = f"{secrets.token_hex(8)}/{SAFE_NAME.sub('_', filename)}"
        path = self.folder / stored
        path.parent.mkdir(parents=True, exist_ok=True)
        return path, self._link({"f": stored}, ttl)

    def evidence_link(self, file_id: int, *, ttl: timedelta = timedelta(days=7)) -> str:
        """A link to a 佐證 file kept in the database."""
        return self._link({"b": file_id}, ttl)

    def _link(self, what: dict[str, Any], ttl: timedelta) -> str:
        payload = _b64(json.dumps(what | {"e": int((self.clock() + ttl).timestamp())}).encode())
        return f"{self.public_url}/files/{payload}.{self._sign(payload)}"

    def _valid(self, token: str) -> dict[str, Any] | None:
        """The payload of a token that is ours, untouched and unexpired; None for anything else.

        A token is whatever a stranger typed: anything but ASCII, a payload that is not our object, an
        expiry that is not a number, all mean 'no such file', never an error.
        """
        payload, _, signature = token.partition(".")
        if not signature or not token.isascii():
            return None
        if not hmac.compare_digest(signature.encode("ascii"), self._sign(payload).encode("ascii")):
            return None
        try:
            data = json.loads(_unb64(payload))
        except (ValueError, RecursionError):
            return None
        expires = data.get("e") if isinstance(data, dict) else None
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            return None
        return data if expires >= self.clock().timestamp() else None

    def evidence_id(self, token: str) -> int | None:
        data = self._valid(token)
        blob = data.get("b") if data else None
        return blob if isinstance(blob, int) and not isinstance(blob, bool) and 0 < blob < 2**31 else None

    def resolve(self, token: str) -> Path | None:
        """The file behind a token, or None when it is forged, tampered with, expired or not ours at all."""
        data = self._valid(token)
        stored = data.get("f") if data else None
        if not isinstance(stored, str):
            return None
        try:
            path = (self.folder / stored).resolve()
        except (OSError, ValueError):
            return None
        if self.folder.resolve() not in path.parents or not path.is_file():
            return None
        return path

    def install(self, app: web.Application) -> None:
        async def download(request: web.Request) -> web.StreamResponse:
            token = request.match_info["token"]
            file_id = self.evidence_id(token)
            if file_id is not None and self.store is not None:
                return await self._evidence(file_id)
            path = self.resolve(token)
            if path is None:
                raise web.HTTPNotFound(text="連結已失效或不正確，請向機器人重新取得報告。")
            return web.FileResponse(path, headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(path.name)}"})

        app.router.add_get("/files/{token}", download)

    async def _evidence(self, file_id: int) -> web.Response:
        assert self.store is not None
        found = self.store.evidence_content(file_id=file_id)
        if found is None:
            raise web.HTTPNotFound(text="連結已失效或不正確，請向機器人重新取得連結。")
        file, content = found
        return web.Response(body=content, content_type=file.mime, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(file.name)}",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def files_folder(settings: Settings) -> Path:
    """Downloads live beside an SQLite database, else under ./data/files."""
    from sqlalchemy.engine import make_url  # here: the CLI's start-up does not load SQLAlchemy

    url = make_url(settings.database_url.replace("postgres://", "postgresql://"))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / "files"
    return Path("data/files")
