"""What the secretary should look at before saving, in zh-TW; a warning never drops an item."""

from __future__ import annotations

from bot.minutes.model import Item, Review
from bot.minutes.roles import Owner


def _short(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[:length] + "…"


class Warnings:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def owners(self, item: Item, owners: list[Owner], brief: str) -> None:
        """`brief`: the decision in a few words (without an earlier case's quoted title)."""
        where = f"（{item.source}）" if item.source else ""
        if not owners:
            self.add(f"「{_short(brief)}」沒有寫明主辦機關，請補上{where}。")
            return
        if item.agencies_inferred:
            names = "、".join(item.agencies)
            self.add(f"「{_short(brief)}」未寫明主辦機關，暫列{names}，請確認{where}。")
        for owner in owners:
            if owner.placeholder:
                self.add(f"「{owner.shown}」沒有指明是哪些機關，請確認主辦機關{where}。")
            elif owner.name is None or owner.guessed:
                self.add(f"「{owner.shown}」不在機關名錄中（或看不出是哪一個機關），已照原文列出，請確認{where}。")

    def released_with_work(self, reviews: list[Review], items: list[Item]) -> None:
        released = {r.case for r in reviews if r.decision == "released"}
        for item in items:
            if item.case in released:
                who = "、".join(item.agencies) or "相關機關"
                self.add(f"第{item.case}案已決定解除列管，但{item.source}又請{who}辦理，是否改為繼續列管？")

    def no_decisions(self) -> None:
        self.add("沒有找到需要列管的決議事項（決定、決議、結論或裁示），請確認檔案是否為會議紀錄。")
