"""One LINE webhook event, handled: messages and button presses become Incoming for the bot; joining,
leaving and unsending do what they mean. Event types we do not know are ignored, politely.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.channels.line import texts
from bot.channels.line.client import LineApi
from bot.channels.line.services import LineServices
from bot.messages import Attachment, ChatRef, Incoming, Outgoing
from storage.models import SECRETARIAT

if TYPE_CHECKING:
    from bot.runtime import Ready, Runtime

log = logging.getLogger(__name__)
JSON = dict[str, Any]
REPLY_WINDOW = timedelta(seconds=50)  # LINE's reply tokens last about a minute; keep a margin
MAX_FILE = 20 * 1024 * 1024  # minutes are a few hundred KB; the app accepts 20 MB bodies too
EVIDENCE = ("image", "video", "audio", "file")  # in an agency's chat: 佐證 (videos and audio refused)
# LINE's ids (U/C/R and 32 hex digits) and reply tokens; anything else in their place is not from LINE
_LINE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_TOKEN = re.compile(r"[!-~]{1,200}")


def line_id(value: object) -> str | None:
    return value if isinstance(value, str) and _LINE_ID.fullmatch(value) else None


def reply_token(event: JSON) -> str | None:
    token = event.get("replyToken")
    return token if isinstance(token, str) and _TOKEN.fullmatch(token) else None


def chat_of(event: JSON) -> ChatRef | None:
    source = event.get("source")
    if not isinstance(source, dict):
        return None
    chat_id = line_id({"group": source.get("groupId"), "room": source.get("roomId"),
                       "user": source.get("userId")}.get(str(source.get("type"))))
    return ChatRef("line", chat_id) if chat_id else None


def moment(event: JSON, now: datetime) -> datetime:
    """When the user acted (LINE's timestamp, in ms), or now when LINE did not say."""
    stamp = event.get("timestamp")
    if isinstance(stamp, int | float) and not isinstance(stamp, bool) and stamp > 0:
        try:
            return datetime.fromtimestamp(stamp / 1000, tz=UTC)
        except (ValueError, OverflowError, OSError):  # a time no clock reaches: not LINE's, so ours
            return now
    return now


def without_self_mentions(message: JSON) -> str:
    """'@列管小幫手 綁定 K7Q-42M' → '綁定 K7Q-42M': mentioning the bot is not part of the command."""
    text = str(message.get("text") or "")
    mention = message.get("mention")
    mentionees = mention.get("mentionees") if isinstance(mention, dict) else None
    if not isinstance(mentionees, list):
        return text
    units = text.encode("utf-16-le")  # LINE's indices count UTF-16 code units
    spans: list[tuple[int, int]] = []
    for m in mentionees:
        if isinstance(m, dict) and m.get("isSelf") is True:
            index, length = m.get("index"), m.get("length")
            if isinstance(index, int) and isinstance(length, int):
                spans.append((index, length))
    for index, length in sorted(spans, reverse=True):
        units = units[:2 * index] + units[2 * (index + length):]
    return units.decode("utf-16-le", errors="replace").strip()


class EventHandler:
    def __init__(self, runtime: Runtime, api: LineApi, services: LineServices) -> None:
        self.runtime = runtime
        self.api = api
        self.services = services
        self._kinds: dict[str, Callable[[str, JSON, ChatRef], Awaitable[None]]] = {
            "message": self._message, "messageEdited": self._edited, "postback": self._postback,
            "join": self._join, "follow": self._follow, "leave": self._leave, "unfollow": self._leave,
            "memberJoined": self._members, "memberLeft": self._members, "unsend": self._unsend,
        }

    async def handle(self, key: str, event: JSON) -> None:
        kind = str(event.get("type"))
        chat = chat_of(event)
        handler = self._kinds.get(kind)
        if handler is None or chat is None or event.get("mode") == "standby":
            log.debug("ignoring LINE event %s (%s)", kind, key)
            return
        await handler(key, event, chat)

    def ready(self, key: str, event: JSON) -> Ready | None:
        """The event whole, when the webhook can answer it at once (in its unit of work): a text or
        a button press, in a chat, from someone whose name is known already. None for anything that
        needs LINE first (a file, a name) or is not the bot's to answer."""
        from bot.runtime import Ready

        kind, chat = event.get("type"), chat_of(event)
        if chat is None or event.get("mode") == "standby":
            return None
        extra: dict[str, Any] = {}
        if kind == "message":
            message = event.get("message")
            if not isinstance(message, dict) or message.get("type") != "text":
                return None
            text = without_self_mentions(message)
            extra = {"message_id": _str(message.get("id")), "reply_to": _str(message.get("quotedMessageId"))}
        elif kind == "postback":
            postback = event.get("postback")
            data = postback.get("data") if isinstance(postback, dict) else None
            if not isinstance(data, str) or not data.strip():
                return None
            text, extra = data, {"postback": True}
        else:
            return None
        source = event.get("source") or {}
        user_id = line_id(source.get("userId")) or ""
        known, name = self.services.known_name(chat.chat_id, user_id) if user_id else (True, None)
        if not known:
            return None
        msg = Incoming(chat=chat, user_id=user_id, user_name=name, text=text,
                       at=moment(event, self.runtime.bot.clock()),
                       chat_kind="private" if source.get("type") == "user" else "group",
                       reply_token=reply_token(event), **extra)
        return Ready(key, msg, reply_token=msg.reply_token, reply_token_expires=self._expiry(event),
                     services=self.services)

    # ---- messages ------------------------------------------------------------------------------
    async def _message(self, key: str, event: JSON, chat: ChatRef) -> None:
        message = event.get("message")
        if not isinstance(message, dict):
            return
        if message.get("type") == "text":
            msg = await self._incoming(event, chat, text=without_self_mentions(message),
                                       message_id=_str(message.get("id")),
                                       reply_to=_str(message.get("quotedMessageId")))
            await self._receive(key, event, msg)
        elif message.get("type") in EVIDENCE and await self._evidence(event, chat, message):
            return
        elif message.get("type") == "file":
            await self._file(key, event, chat, message)
        # stickers, locations, photos outside agencies' chats: talk among people, not for the bot

    async def _evidence(self, event: JSON, chat: ChatRef, message: JSON) -> bool:
        """A photo, video or file in an agency's chat is 佐證: a recorded job fetches it (promptly,
        since LINE keeps content only for a while); False when the chat is no agency's."""
        fetcher, message_id = self.runtime.fetcher, _str(message.get("id"))
        probe = await self._incoming(event, chat, text="", named=False)
        actor = self.runtime.bot.actor_for(probe)
        if fetcher is None or message_id is None or actor.agency is None or actor.is_secretariat:
            return False
        msg = await self._incoming(event, chat, text="", message_id=message_id,
                                   reply_to=_str(message.get("quotedMessageId")))
        provider = message.get("contentProvider")
        url = provider.get("originalContentUrl") if isinstance(provider, dict) and \
            provider.get("type") == "external" else None
        size = message.get("fileSize")
        local = msg.at.astimezone(ZoneInfo(self.runtime.bot.settings.timezone))
        name = str(message.get("fileName") or f"照片_{local:%Y%m%d_%H%M%S}")
        fetcher.record(msg, name=name, size=size if isinstance(size, int) else None,
                       source={"kind": message.get("type"), "message_id": message_id, "url": url},
                       reply_token=msg.reply_token, reply_token_expires=self._expiry(event))
        return True

    async def _edited(self, key: str, event: JSON, chat: ChatRef) -> None:
        message = event.get("message")
        if isinstance(message, dict) and message.get("type") == "text" and message.get("id"):
            msg = await self._incoming(event, chat, text=str(message.get("text") or ""),
                                       message_id=str(message["id"]), edited=True)
            await self._receive(key, event, msg)

    async def _postback(self, key: str, event: JSON, chat: ChatRef) -> None:
        postback = event.get("postback")
        data = postback.get("data") if isinstance(postback, dict) else None
        if isinstance(data, str) and data.strip():
            await self._receive(key, event, await self._incoming(event, chat, text=data, postback=True))

    async def _file(self, key: str, event: JSON, chat: ChatRef, message: JSON) -> None:
        """Minutes sent as a file by the secretariat are offered for import; other files are talk."""
        probe = await self._incoming(event, chat, text="")
        if not self.runtime.bot.actor_for(probe).is_secretariat:
            return
        name, size = str(message.get("fileName") or "檔案"), message.get("fileSize")
        if isinstance(size, int) and size > MAX_FILE:
            self._say(key, event, chat, texts.file_too_big(size))
            return
        try:
            content = await self.api.content(str(message.get("id")))
        except Exception as exc:  # the SDK's ApiException or the network: say so, keep going
            log.warning("download of %s failed: %r", name, exc)
            self._say(key, event, chat, texts.DOWNLOAD_FAILED)
            return
        msg = await self._incoming(event, chat, text="", message_id=_str(message.get("id")),
                                   attachment=Attachment(filename=name, content=content))
        await self._receive(key, event, msg)

    # ---- the bot joins, leaves, and people come and go ------------------------------------------
    async def _join(self, key: str, event: JSON, chat: ChatRef) -> None:
        self._say(key, event, chat, texts.JOINED)

    async def _follow(self, key: str, event: JSON, chat: ChatRef) -> None:
        self._say(key, event, chat, texts.FOLLOWED)

    async def _leave(self, key: str, event: JSON, chat: ChatRef) -> None:
        """Removed from a group (or blocked in a one-to-one chat): the chat is no agency's any more."""
        store = self.runtime.bot.store
        agency = store.unbind(chat=chat.key, actor=f"line:{event.get('type')}", by_chat=chat.key)
        self.services.forget(chat.chat_id)
        if agency is None:
            return
        notices = [Outgoing(texts.left(agency, chat.key), chat=ChatRef(*other.split(":", 1)), kind="notice")
                   for other, bound in store.bindings() if bound == SECRETARIAT and other != chat.key]
        self.runtime.outbox.enqueue(notices, origin=None, key=key)

    async def _members(self, key: str, event: JSON, chat: ChatRef) -> None:
        joined = event.get("joined") if event.get("type") == "memberJoined" else event.get("left")
        members = joined.get("members") if isinstance(joined, dict) else None
        users = [m.get("userId") for m in members if isinstance(m, dict)] if isinstance(members, list) else []
        self.services.forget(chat.chat_id)  # a push there now costs a different number of messages
        self.runtime.bot.store.note_event(actor="line", chat=chat.key, action=f"line.{event.get('type')}",
                                          after={"members": users})

    async def _unsend(self, key: str, event: JSON, chat: ChatRef) -> None:
        """An unsent message withdraws the reply it carried; the reply stays in the history, marked."""
        from handlers.replies import withdrawn

        unsend = event.get("unsend")
        message_id = unsend.get("messageId") if isinstance(unsend, dict) else None
        if not isinstance(message_id, str):
            return
        probe = await self._incoming(event, chat, text="", named=False)
        bot = self.runtime.bot
        await withdrawn(chat.key, message_id, probe.user_key, bot.context(actor=bot.actor_for(probe)))
        bot.store.withdraw_evidence_message(chat=chat.key, message_id=message_id, author=probe.user_key)

    # ---- the way in and out ---------------------------------------------------------------------
    async def _incoming(self, event: JSON, chat: ChatRef, *, text: str, named: bool = True,
                        **extra: Any) -> Incoming:
        source = event.get("source") or {}
        user_id = line_id(source.get("userId")) or ""
        name = await self.services.display_name(chat.chat_id, user_id) if named and user_id else None
        return Incoming(chat=chat, user_id=user_id, user_name=name, text=text,
                        at=moment(event, self.runtime.bot.clock()),
                        chat_kind="private" if source.get("type") == "user" else "group",
                        reply_token=reply_token(event), **extra)

    async def _receive(self, key: str, event: JSON, msg: Incoming) -> None:
        await self.runtime.receive(msg, key=key, reply_token=msg.reply_token,
                                   reply_token_expires=self._expiry(event), services=self.services)

    def _say(self, key: str, event: JSON, chat: ChatRef, text: str) -> None:
        self.runtime.outbox.enqueue([Outgoing(text)], origin=chat, key=key, reply_token=reply_token(event),
                                    reply_token_expires=self._expiry(event))

    def _expiry(self, event: JSON) -> datetime | None:
        """A reply token is good for about a minute after the event (a redelivered one mostly is not)."""
        if reply_token(event) is None:
            return None
        now = self.runtime.bot.clock()
        return min(moment(event, now), now) + REPLY_WINDOW


def _str(value: object) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) and value != "" else None
