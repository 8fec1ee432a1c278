"""The contract between the outbox and each channel's sender.

The outbox (bot/outbox.py) writes every Outgoing as a row before it is sent and hands rows
to the sender of the chat's platform. A sender turns the neutral payload into platform
messages and reports what happened, by returning or by raising one of the errors below.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.messages import Button, Document, Outgoing


@dataclass(frozen=True)
class SendResult:
    """The platform message ids the send produced (a reply quoting one of them lands on the items)."""

    message_ids: list[str] = field(default_factory=list)


class TemporaryFailure(Exception):
    """429, 5xx, a network error: try again later (after `retry_after` seconds when the platform says)."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """Another 4xx (blocked, chat gone, bad request): recorded and reported to the secretariat."""


@dataclass(frozen=True)
class Envelope:
    """One outbox row as a sender sees it."""

    chat_id: str
    payload: Outgoing
    key: str  # idempotency key: LINE's X-Line-Retry-Key is derived from it
    reply_token: str | None = None
    reply_token_expires: datetime | None = None


class Sender(Protocol):
    platform: str

    async def send(self, envelope: Envelope) -> SendResult:
        """Deliver one outbox row, or raise TemporaryFailure / PermanentFailure."""


def to_payload(out: Outgoing) -> dict[str, Any]:
    """An Outgoing as JSON for the outbox row (documents base64-encoded)."""
    return {
        "text": out.text, "kind": out.kind, "item_ids": list(out.item_ids),
        "buttons": [[b.label, b.data] for b in out.buttons],
        "quick_replies": [[b.label, b.data] for b in out.quick_replies],
        "document": None if out.document is None else {
            "filename": out.document.filename, "mime": out.document.mime,
            "content": base64.b64encode(out.document.content).decode("ascii")},
    }


def from_payload(payload: dict[str, Any]) -> Outgoing:
    doc = payload.get("document")
    return Outgoing(
        text=payload["text"], kind=payload.get("kind", "answer"), item_ids=list(payload.get("item_ids", [])),
        buttons=[Button(label, data) for label, data in payload.get("buttons", [])],
        quick_replies=[Button(label, data) for label, data in payload.get("quick_replies", [])],
        document=None if doc is None else Document(doc["filename"], base64.b64decode(doc["content"]),
                                                   doc["mime"]))
