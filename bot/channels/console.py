"""The console channel: `lieguan chat --as 秘書處|機關` speaks exactly what LINE and Telegram speak."""

from __future__ import annotations

import getpass
import itertools
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from bot.context import Actor
from bot.core import Bot
from bot.messages import ChatRef, Incoming, Outgoing
from storage.models import SECRETARIAT

if TYPE_CHECKING:
    from bot.outbox import OutboxSender


class ConsoleChannel:
    def __init__(self, bot: Bot, *, speaking_as: str, login: str | None = None,
                 files: Path = Path("data/reports"), outbox: OutboxSender | None = None) -> None:
        self.bot = bot
        # messages for other chats (催辦, a notice to the secretariat) go out through the running bot
        self.outbox = outbox
        self.login = login or getpass.getuser()
        agency = speaking_as.strip()
        if agency != SECRETARIAT:
            resolved = bot.directory.resolve(agency)
            if resolved is None:
                raise ValueError(f"找不到機關「{agency}」。請用機關名錄裡的名稱（lieguan agency list）。")
            agency = resolved
        self.actor = Actor("secretariat") if agency == SECRETARIAT else Actor("agency", agency)
        self.chat = ChatRef("console", f"{self.login}@{agency}")
        self.files = files
        self._ids = itertools.count(1)

    def incoming(self, text: str) -> Incoming:
        return Incoming(chat=self.chat, user_id=self.login, user_name=self.login, text=text,
                        at=self.bot.clock(), chat_kind="private", message_id=f"c{next(self._ids)}")

    async def say(self, text: str) -> str:
        answers = await self.bot.handle(self.incoming(text), actor=self.actor)
        return "\n".join(self.render(out) for out in answers)

    def forward(self, out: Outgoing) -> str:
        """A message for another chat: written to the outbox for `lieguan serve` to send."""
        assert out.chat is not None
        queued = self.outbox.enqueue([out], origin=None, key=f"console:{uuid.uuid4()}") if self.outbox else []
        state = "已排入寄送" if queued else ("已送過" if out.key and self.outbox and
                                            out.chat.platform in self.outbox.senders else "該平台未設定，未送出")
        return f"（給 {out.chat.key}，{state}）{out.text}"

    def render(self, out: Outgoing) -> str:
        lines = [out.text]
        if out.chat is not None and out.chat != self.chat:
            lines = [self.forward(out)]
        if out.buttons:
            lines.append(" ".join(f"[{b.label}]" for b in out.buttons))
        if out.quick_replies:
            lines.append("可選：" + " ".join(f"[{b.label}]" for b in out.quick_replies))
        if out.document is not None:
            self.files.mkdir(parents=True, exist_ok=True)
            path = self.files / out.document.filename
            path.write_bytes(out.document.content)
            lines.append(f"檔案：{path.resolve()}")
        return "\n".join(lines)
