"""Where the web desk is, as the chat and the CLI hand out its sign-in links (no web imports here)."""

from __future__ import annotations

from config.settings import Settings

COOKIE = "lieguan_desk"


def desk_url(settings: Settings) -> str:
    """LIEGUAN_PUBLIC_URL, or http://HOST:PORT where `serve` listens."""
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def sign_in_url(settings: Settings, token: str) -> str:
    return f"{desk_url(settings)}/login/{token}"
