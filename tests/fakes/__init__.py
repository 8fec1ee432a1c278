"""Stand-ins for the outside world that behave like the real thing.

``line_api.FakeLineApi`` and ``telegram_api.FakeTelegramApi`` are real HTTP servers on
127.0.0.1 that the real line-bot-sdk and python-telegram-bot clients talk to;
``postgres.PostgresServer`` is a real PostgreSQL. This package module only holds what
the two HTTP fakes share; import the fakes from their own modules.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web


class ManualClock:
    """A clock that only moves when told to: pass it as ``clock=`` to expire things in tests."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class LocalServer:
    """An aiohttp application served on 127.0.0.1 at a free port, for ``async with``."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.port = 0

    def build_app(self) -> web.Application:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The server's root, e.g. ``http://127.0.0.1:41234`` (no trailing slash)."""
        if not self.port:
            raise RuntimeError("the fake server is not started; use `async with`")
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> Self:
        # Short shutdown timeout: a fake must never hold a test up while it stops.
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._runner = runner
        self.port = runner.addresses[0][1]
        return self

    async def before_stop(self) -> None:
        """Hook for subclasses to release waiting requests before the server closes."""

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.before_stop()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
