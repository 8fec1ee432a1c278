"""Explicit routers: each feature registers its commands; `build_router()` includes them all.

A command is its zh-TW word and its English alias; a leading '/' is optional (LINE has no
commands), Telegram's '/cmd@botname' is understood, and full-width characters count as half-width.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from bot.context import Context, Role
from bot.dates import DateError, halfwidth_map
from bot.messages import Incoming, Outgoing
from storage.base import StoreError

log = logging.getLogger(__name__)

Handler = Callable[[Incoming, str, Context], Awaitable[list[Outgoing]]]
MAX_TEXT = 5000
EVERYONE: tuple[Role, ...] = ("secretariat", "agency", "none")
MEMBERS: tuple[Role, ...] = ("secretariat", "agency")
SECRETARIAT: tuple[Role, ...] = ("secretariat",)
UNBOUND = "本群組尚未綁定機關。請向會議秘書處索取綁定碼後輸入「綁定 綁定碼」。"
SECRETARIAT_ONLY = "這個指令只有秘書處可以使用。如需調整列管事項，請洽會議秘書處。"
FAILED = "抱歉，處理這則訊息時發生錯誤，已記錄下來，您存的資料都還在。請稍後再試，或聯絡秘書處。"


class UserError(Exception):
    """A polite refusal; str() is the zh-TW answer."""


@dataclass(frozen=True)
class Command:
    names: tuple[str, ...]  # zh-TW word first, then the English alias
    handler: Handler
    roles: tuple[Role, ...]
    summary: str
    long_text: bool = False  # 匯入 may exceed the ordinary message limit


@dataclass
class Router:
    commands: list[Command] = field(default_factory=list)
    # what a message that is no command means: a '#N …' reply, or a reply quoting the bot
    fallbacks: list[Callable[[Incoming, Context], Awaitable[list[Outgoing] | None]]] = field(
        default_factory=list)

    def command(self, *names: str, roles: tuple[Role, ...], summary: str,
                long_text: bool = False) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands.append(Command(names, handler, roles, summary, long_text))
            return handler
        return register

    def fallback(self, handler: Callable[[Incoming, Context], Awaitable[list[Outgoing] | None]]
                 ) -> Callable[[Incoming, Context], Awaitable[list[Outgoing] | None]]:
        self.fallbacks.append(handler)
        return handler

    def include(self, other: Router) -> None:
        self.commands.extend(other.commands)
        self.fallbacks.extend(other.fallbacks)

    def find(self, text: str) -> tuple[Command, str] | None:
        """The command a message starts with, and the rest of it (the arguments) as the user typed it.

        The command word is found in the half-width text (／案１ is 案 1); the arguments keep the
        user's own characters (，（）…), as they may be stored.
        """
        norm, where = halfwidth_map(text)
        lead = re.match(r"\s*(/*)", norm)
        assert lead is not None
        slash, at = bool(lead.group(1)), lead.end()
        body = norm[at:]
        word = re.match(r"(\S*)\s*", body)
        assert word is not None
        first = word.group(1).split("@", 1)[0] if slash else word.group(1)
        best: tuple[Command, str] | None = None
        for command in self.commands:
            for name in command.names:
                if first.lower() == name.lower():
                    return command, _typed(text, where, at + word.end())
                # Chinese words may be typed without a space before a number or a code
                # (案12, 綁定K7Q-42M, 擬解除8), never before more Chinese: 案子明天處理 is talk
                glued = (_is_cjk(name) and body.startswith(name) and len(body) > len(name)
                         and re.match(r"[#0-9A-Za-z]", body[len(name)]))
                if glued and (best is None or len(name) > len(best[0].names[0])):
                    best = command, _typed(text, where, at + len(name))
        return best

    async def dispatch(self, msg: Incoming, ctx: Context) -> list[Outgoing]:
        try:
            return await self._dispatch(msg, ctx)
        except (UserError, StoreError, DateError) as refusal:
            log.info("refused %s from %s: %s", msg.text[:80], msg.user_key, refusal)
            return [Outgoing(str(refusal))]
        except Exception:
            if ctx.store.in_unit():  # the unit rolls back whole; the event is handled again on its own
                raise
            log.exception("handler failed on %r from %s", msg.text[:200], msg.user_key)
            return [Outgoing(FAILED)]

    async def _dispatch(self, msg: Incoming, ctx: Context) -> list[Outgoing]:
        found = self.find(msg.text)
        if len(msg.text) > MAX_TEXT and not (found and found[0].long_text):
            log.info("refused a %d-character message from %s", len(msg.text), msg.user_key)
            return [Outgoing(f"訊息太長（{len(msg.text):,} 字），一則請在 {MAX_TEXT:,} 字以內；"
                             "如要匯入會議紀錄，請在與我的私訊輸入「匯入」後貼上全文，或直接傳送檔案。")]
        if found is None:
            for fallback in self.fallbacks:
                answer = await fallback(msg, ctx)
                if answer is not None:
                    return answer
            if msg.chat_kind == "group" and not msg.text.strip().startswith("/"):
                return []  # ordinary talk in a group is not for the bot
            return [Outgoing("看不懂這個指令。輸入「說明」可以看到可用的指令。")]
        command, args = found
        if ctx.actor.role not in command.roles:
            return [Outgoing(UNBOUND if ctx.actor.role == "none" else SECRETARIAT_ONLY)]
        return await command.handler(msg, args, ctx)

    def help_lines(self, role: Role) -> Iterable[str]:
        for command in self.commands:
            if role in command.roles and command.summary:
                zh, *aliases = command.names
                alias = f"（/{aliases[0]}）" if aliases else ""
                yield f"・{zh}{alias}：{command.summary}"


def _typed(text: str, where: list[int], position: int) -> str:
    """The user's own text from what became `position` of the half-width text, trimmed."""
    return text[where[position]:].strip() if position < len(where) else ""


def _is_cjk(word: str) -> bool:
    return bool(word) and "\u4e00" <= word[0] <= "\u9fff"
