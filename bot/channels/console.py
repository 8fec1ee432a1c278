"""The console channel: `lieguan chat --as 秘書處|機關` speaks exactly what LINE and Telegram speak."""

from __future__ import annotations

import getpass
import itertools
from pathlib import Path

from bot.context import Actor
from bot.core import Bot
from bot.messages import ChatRef, Incoming, Outgoing
from storage.models import SECRETARIAT


class ConsoleChannel:
    def __init__(self, bot: Bot, *, speaking_as: str, login: str | None = None,
                 files: Path = Path("data/reports")) -> None:
        self.bot = bot
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

    def render(self, out: Outgoing) -> str:
        lines = [out.text]
        if out.chat is not None and out.chat != self.chat:
            lines = [f"（送到 {out.chat.key}）{out.text}"]
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
