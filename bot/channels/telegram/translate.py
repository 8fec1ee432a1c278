"""Telegram updates into the neutral Incoming, with Telegram's habits understood.

- `/start` (the START button, a deep link) means 說明; `/start CODE` (t.me/<bot>?startgroup=CODE)
  means `/bind CODE`, so a group can be added and bound in one tap.
- `/cmd@other_bot` is for another bot and is left alone; a leading `@<this bot>` is dropped.
- Updates written for an older Bot API (no `is_bot`, no chat `type`) are read with those defaults
  rather than refused; anything PTB still cannot read is ignored, politely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import Bot, CallbackQuery, Chat, Message, Update

from bot.messages import Attachment, ChatKind, ChatRef, Incoming

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
_USER_KEYS = {"from", "forward_from", "user", "via_bot", "sender_user"}
_CHAT_KEYS = {"chat", "sender_chat", "forward_from_chat"}
_START = re.compile(r"^/start(?:@\w+)?(?:\s+(\S+))?\s*$", re.IGNORECASE)
_COMMAND_TARGET = re.compile(r"^/\w+@(\w+)")


@dataclass(frozen=True)
class Me:
    """The bot itself, once getMe has answered (until then every command counts as ours)."""

    id: int | None = None
    username: str | None = None


_UNREADABLE = (TypeError, KeyError, ValueError, AttributeError, OverflowError, OSError)


def parse_update(data: dict[str, Any], bot: Bot) -> Update | None:
    """The update, or None when PTB cannot read it or what we read from it is not of Telegram's shape
    (PTB checks no types: a chat without an id, a text that is a list, a date past year 9999)."""
    for attempt in (data, None):
        try:
            update = Update.de_json(attempt if attempt is not None else _with_old_defaults(data), bot)
        except _UNREADABLE:
            continue
        return update if update is not None and sound(update) else None
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sound_user(user: Any) -> bool:
    return user is None or (_is_int(user.id) and isinstance(user.first_name or "", str)
                            and isinstance(user.last_name or "", str) and isinstance(user.username or "", str))


def _sound_message(message: Any, *, depth: int = 0) -> bool:
    """The fields our translation and handlers read have the types Telegram gives them."""
    if message is None:
        return True
    if not isinstance(message, Message):
        return False
    chat = message.chat
    fields_ok = (
        isinstance(chat, Chat) and _is_int(chat.id) and isinstance(chat.type, str)
        and isinstance(chat.title or "", str) and _is_int(message.message_id)
        and isinstance(message.date, datetime)
        and all(isinstance(t, str) for t in (message.text or "", message.caption or ""))
        and _sound_user(message.from_user)
        and (message.sender_chat is None or _is_int(message.sender_chat.id))
        and all(v is None or _is_int(v) for v in (message.migrate_to_chat_id, message.migrate_from_chat_id))
        and (message.document is None or isinstance(message.document.file_id, str))
        and all(isinstance(p.file_id, str) for p in message.photo or ()))
    return fields_ok and (depth > 0 or _sound_message(message.reply_to_message, depth=1))


def sound(update: Update) -> bool:
    try:
        query = update.callback_query
        if query is not None and not (isinstance(query.id, str) and _sound_user(query.from_user)
                                      and isinstance(query.data or "", str)
                                      and _sound_message(query.message if isinstance(query.message, Message)
                                                         else None)):
            return False
        return _sound_message(update.message) and _sound_message(update.edited_message)
    except _UNREADABLE:
        return False


def _with_old_defaults(value: Any, key: str = "") -> Any:
    """Bot API 3.0 made `is_bot` and a chat's `type` required; older payloads lack them."""
    if isinstance(value, list):
        return [_with_old_defaults(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _with_old_defaults(v, k) for k, v in value.items()}
    if key in _USER_KEYS and "id" in out:
        out.setdefault("is_bot", False)
        out.setdefault("first_name", out.get("title") or out.get("username") or "")
    if key in _CHAT_KEYS and "id" in out:
        out.setdefault("type", chat_type(out["id"]))
    if key == "callback_query":
        out.setdefault("chat_instance", "")
    return out


def chat_type(chat_id: Any) -> str:
    """What a chat id says about its chat: users are positive, supergroups start with -100."""
    text = str(chat_id)
    return "private" if not text.startswith("-") else "supergroup" if text.startswith("-100") else "group"


def lane_of(data: dict[str, Any]) -> str:
    """The chat an update belongs to, read from the raw JSON, so its chat's updates keep their order."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post", "my_chat_member",
                "chat_member", "callback_query"):
        part = data.get(key)
        if isinstance(part, dict):
            holder = part.get("message", part) if key == "callback_query" else part
            chat = holder.get("chat") if isinstance(holder, dict) else None
            if isinstance(chat, dict) and "id" in chat:
                return str(chat["id"])
    return "-"


def kind_of(chat: Chat) -> ChatKind:
    return "private" if chat.type == Chat.PRIVATE else "group"


def for_another_bot(text: str, me: Me) -> bool:
    target = _COMMAND_TARGET.match(text)
    return bool(target and me.username and target.group(1).lower() != me.username.lower())


def addressed(message: Message, me: Me) -> bool:
    """Whether the bot was spoken to: what a group's bot sees anyway with privacy mode on."""
    text = message.text or message.caption or ""
    replied = message.reply_to_message
    return (message.chat.type == Chat.PRIVATE
            or (text.startswith("/") and not for_another_bot(text, me))
            or bool(me.username and text.lower().startswith("@" + me.username.lower()))
            or bool(replied and replied.from_user and me.id is not None and replied.from_user.id == me.id))


def clean(text: str, me: Me) -> str:
    """The command language's text: the bot's @mention dropped, /start understood."""
    text = text.strip()
    if me.username:
        mention = re.match(rf"^@{re.escape(me.username)}\b[\s,，:：]*", text, flags=re.IGNORECASE)
        if mention:
            text = text[mention.end():] or "/help"  # called by name and nothing more: say what it can do
    start = _START.match(text)
    if start:
        return f"/bind {start.group(1)}" if start.group(1) else "/help"
    return text


def message_incoming(message: Message, *, me: Me, edited: bool, now: datetime,
                     attachment: Attachment | None = None) -> Incoming | None:
    """A user's message (or its edit) as an Incoming; None when there is nothing to say to the bot."""
    chat = message.chat
    raw = message.text or message.caption or ""
    if chat.type == Chat.CHANNEL or message.is_automatic_forward or for_another_bot(raw, me):
        return None  # a channel's posts (also as forwarded into its discussion group) say nothing to us
    text = clean(raw, me)
    if not text and attachment is None:
        return None  # stickers, photos, service messages: nothing for the command language
    user_id, name = sender_of(message)
    sent = message.date
    replied = message.reply_to_message
    return Incoming(chat=ChatRef("telegram", str(chat.id)), user_id=user_id, user_name=name, text=text,
                    at=now if edited or sent is None else min(sent, now), chat_kind=kind_of(chat),
                    message_id=str(message.message_id),
                    reply_to=str(replied.message_id) if replied else None,
                    edited=edited, attachment=attachment, addressed_to_bot=addressed(message, me))


def callback_incoming(query: CallbackQuery, data: str, *, now: datetime) -> Incoming | None:
    """A button press: its data is the command to run, said in the chat of the message it was under."""
    message = query.message
    if message is None or not data or message.chat.type == Chat.CHANNEL:
        return None
    user = query.from_user
    return Incoming(chat=ChatRef("telegram", str(message.chat.id)), user_id=str(user.id),
                    user_name=user.full_name or None, text=data, at=now, chat_kind=kind_of(message.chat),
                    postback=True)


def sender_of(message: Message) -> tuple[str, str | None]:
    """Who wrote it; an anonymous group admin writes as the group itself."""
    if message.sender_chat is not None:
        return str(message.sender_chat.id), message.sender_chat.title
    if message.from_user is not None:
        return str(message.from_user.id), message.from_user.full_name or None
    return "unknown", None
