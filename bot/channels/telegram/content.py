"""佐證 on Telegram: photos (the largest size) and documents from an agency's chat become fetch jobs
(bot/evidence/jobs.py), fetched with getFile and the download at the same host's /file/bot<token>/…"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import Bot, Message
from telegram.error import BadRequest, EndPointNotFound

from bot.channels.telegram.translate import Me, message_incoming
from bot.evidence.jobs import ContentGone, ContentTooBig
from bot.messages import Attachment

if TYPE_CHECKING:
    from bot.runtime import Runtime


class TelegramContent:
    def __init__(self, api: Bot) -> None:
        self.api = api

    async def __call__(self, source: dict[str, Any]) -> bytes:
        try:
            file = await self.api.get_file(str(source["file_id"]))
            return bytes(await file.download_as_bytearray())
        except BadRequest as exc:  # "file is too big", "invalid file_id": asking again will not help
            if "too big" in str(exc).lower():
                raise ContentTooBig(str(exc)) from exc
            raise ContentGone(str(exc)) from exc
        except EndPointNotFound as exc:  # the download itself is gone
            raise ContentGone(str(exc)) from exc


def record_evidence(runtime: Runtime, message: Message, *, me: Me, now: datetime) -> bool:
    """A photo or document in an agency's chat: a fetch job; False when it is not 佐證 (the chat is
    the secretariat's or no one's, or there is no file)."""
    fetcher = runtime.fetcher
    photo = max(message.photo, key=lambda p: p.file_size or p.width * p.height) if message.photo else None
    document = message.document
    if fetcher is None or (photo is None and document is None):
        return False
    placeholder = Attachment("", b"")  # so that a photo without a caption still reads as a message
    incoming = message_incoming(message, me=me, edited=False, now=now, attachment=placeholder)
    if incoming is None:
        return False
    actor = runtime.bot.actor_for(incoming)
    if actor.agency is None or actor.is_secretariat:
        return False
    incoming = dataclasses.replace(incoming, attachment=None)
    if photo is not None:
        local = incoming.at.astimezone(ZoneInfo(runtime.bot.settings.timezone))
        name, size, file_id, kind = f"照片_{local:%Y%m%d_%H%M%S}", photo.file_size, photo.file_id, "photo"
    else:
        assert document is not None
        name, size, file_id = document.file_name or "檔案", document.file_size, document.file_id
        kind = "video" if (document.mime_type or "").startswith(("video/", "audio/")) else "document"
    reply_token = str(message.message_id) if incoming.chat_kind == "group" else None
    fetcher.record(incoming, name=name, size=size, source={"kind": kind, "file_id": file_id},
                   reply_token=reply_token)
    return True
