"""One recorded update, handled: parsed, translated into an Incoming, given to the runtime.

Button presses are acknowledged (answerCallbackQuery) at once, so the button stops spinning; the
answer itself comes as a message through the outbox like any other. A document sent to the bot is
fetched with getFile (bots may download 20 MB at most). A group upgraded to a supergroup takes its
binding along.
"""

from __future__ import annotations

import logging
import mimetypes
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, Chat, Message
from telegram.error import TelegramError

from bot.channels.telegram import menu
from bot.channels.telegram.content import record_evidence
from bot.channels.telegram.layout import TOKEN_MARK
from bot.channels.telegram.translate import (
    addressed,
    callback_incoming,
    message_incoming,
    parse_update,
)
from bot.messages import Attachment, ChatRef, Incoming, Outgoing

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel
    from bot.runtime import Ready

log = logging.getLogger(__name__)
MAX_DOWNLOAD = 20 * 1024 * 1024
STALE_BUTTON = "這個按鈕已失效，請改用指令（輸入 /help 看指令）。"
TOO_BIG = ("檔案「{name}」超過 20 MB，Telegram 機器人無法下載。"
           "請另存較小的檔案（例如只留會議紀錄本文的 .docx 或 .txt）再傳一次。")


class Handling:
    def __init__(self, channel: TelegramChannel) -> None:
        self.channel = channel
        self.runtime = channel.runtime
        self.api = channel.api

    async def update(self, key: str, data: dict[str, Any]) -> None:
        update = parse_update(data, self.api)
        if update is None:
            log.info("ignored a Telegram update PTB cannot read: %s", key)
        elif update.callback_query is not None:
            await self._pressed(key, update.callback_query)
        elif update.message is not None:
            await self._message(key, update.message, edited=False)
        elif update.edited_message is not None:
            await self._message(key, update.edited_message, edited=True)
        # anything else (the bot added or removed, polls, channel posts…) asks nothing of the bot

    def ready(self, key: str, data: dict[str, Any]) -> Ready | None:
        """The update whole, when the webhook can answer it at once (in its unit of work): a plain
        text message. None for anything that needs Telegram first (a file, a button to acknowledge,
        a menu to refresh after binding) or says nothing to the bot."""
        from bot.runtime import Ready

        update = parse_update(data, self.api)
        message = update.message if update is not None else None
        if message is None or message.text is None or message.effective_attachment is not None \
                or message.migrate_to_chat_id is not None or message.migrate_from_chat_id is not None:
            return None
        incoming = message_incoming(message, me=self.channel.me, edited=False, now=self.runtime.bot.clock())
        if incoming is None or (incoming.chat_kind == "group" and self._is_binding(incoming.text)):
            return None
        reply_token = str(message.message_id) if incoming.chat_kind == "group" else None
        return Ready(key, incoming, reply_token=reply_token, services=self.channel.services)

    async def _message(self, key: str, message: Message, *, edited: bool) -> None:
        if message.migrate_to_chat_id is not None or message.migrate_from_chat_id is not None:
            # whichever of the two service messages (old group, new supergroup) comes first moves it
            if message.migrate_to_chat_id is not None:
                self._migrated(message.chat.id, message.migrate_to_chat_id)
            elif message.migrate_from_chat_id is not None:
                self._migrated(message.migrate_from_chat_id, message.chat.id)
            return
        if not edited and record_evidence(self.runtime, message, me=self.channel.me, now=self.runtime.bot.clock()):
            return  # 佐證 from an agency's chat: fetched as a recorded job
        attachment = None
        if message.document is not None and addressed(message, self.channel.me) and not edited:
            attachment = await self._download(key, message)
            if attachment is None:
                return
        now = self.runtime.bot.clock()
        incoming = message_incoming(message, me=self.channel.me, edited=edited, now=now, attachment=attachment)
        if incoming is None:
            return
        # in a group the answer quotes the message it answers, so a busy group can tell which
        reply_token = str(message.message_id) if incoming.chat_kind == "group" else None
        await self._receive(incoming, key=key, reply_token=reply_token)
        if incoming.chat_kind == "group" and self._is_binding(incoming.text):
            await self._refresh_menu(message.chat.id)

    async def _receive(self, incoming: Incoming, *, key: str, reply_token: str | None) -> None:
        await self.runtime.receive(incoming, key=key, reply_token=reply_token, services=self.channel.services)

    async def _pressed(self, key: str, query: CallbackQuery) -> None:
        data = query.data or ""
        if data.startswith(TOKEN_MARK):
            data = self.channel.store.tg_callback_data(token=data[len(TOKEN_MARK):]) or ""
        incoming = callback_incoming(query, data, now=self.runtime.bot.clock())
        await self._acknowledge(query, None if incoming else STALE_BUTTON)
        if incoming is not None:
            await self._receive(incoming, key=key, reply_token=None)

    async def _acknowledge(self, query: CallbackQuery, text: str | None) -> None:
        try:
            await self.api.answer_callback_query(query.id, text=text, show_alert=text is not None)
        except TelegramError as error:  # too old (over 15 seconds): the press still counts
            log.info("could not answer callback query %s: %s", query.id, error)

    async def _download(self, key: str, message: Message) -> Attachment | None:
        doc = message.document
        assert doc is not None
        name = doc.file_name or "檔案" + (mimetypes.guess_extension(doc.mime_type or "") or "")
        if doc.file_size is not None and doc.file_size > MAX_DOWNLOAD:
            self._say(message.chat, TOO_BIG.format(name=name), key=key, reply_to=message.message_id)
            return None
        try:
            file = await self.api.get_file(doc.file_id)
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            log.warning("could not download %s from Telegram: %s", name, error)
            text = TOO_BIG.format(name=name) if "too big" in str(error).lower() else (
                f"無法從 Telegram 取得檔案「{name}」，請稍後再傳一次。")
            self._say(message.chat, text, key=key, reply_to=message.message_id)
            return None
        return Attachment(filename=name, content=content)

    def _say(self, chat: Chat, text: str, *, key: str, reply_to: int | None) -> None:
        """An answer of the channel's own (a file it cannot fetch), through the same outbox."""
        ref = ChatRef("telegram", str(chat.id))
        self.runtime.outbox.enqueue([Outgoing(text, kind="notice")], origin=ref, key=key,
                                    reply_token=str(reply_to) if reply_to and chat.type != Chat.PRIVATE else None)

    def _migrated(self, old: int, new: int) -> None:
        agency = self.channel.store.tg_migrate_chat(old=f"telegram:{old}", new=f"telegram:{new}",
                                                    actor="telegram")
        log.info("Telegram group %s became supergroup %s (bound to %s)", old, new, agency)

    def _is_binding(self, text: str) -> bool:
        found = self.runtime.bot.router.find(text)
        return found is not None and "bind" in found[0].names

    async def _refresh_menu(self, chat_id: int) -> None:
        """After a bind: the secretariat's group sees every command, other groups the groups' menu."""
        from storage.models import SECRETARIAT

        try:
            if self.channel.store.binding(chat=f"telegram:{chat_id}") == SECRETARIAT:
                await menu.show_all(self.api, self.runtime.bot.router, chat_id)
            else:
                await menu.show_group_menu(self.api, chat_id)
        except TelegramError as error:
            log.info("could not set the menu of chat %s: %s", chat_id, error)

