"""Status replies (辦理情形): added, corrected or edited (a new version) and withdrawn, never deleted;
and the 辦理情形 texts the secretariat sets for a report (秘書處修改), kept as a history too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.base import StoreBase, StoreError
from storage.models import Audit, Item, ProgressText, Reply, SentMessage

ITEM_T: Table = Item.__table__  # type: ignore[attr-defined]
REPLY_T: Table = Reply.__table__  # type: ignore[attr-defined]
AUDIT_T: Table = Audit.__table__  # type: ignore[attr-defined]
# the item's case, and the reply this very message already stored on it (an event handled again)
_STORED = (core_select(func.min(REPLY_T.c.id)).where(
    REPLY_T.c.item_id == ITEM_T.c.id, REPLY_T.c.chat == bindparam("chat"),
    REPLY_T.c.message_id == bindparam("message_id")).correlate(ITEM_T).scalar_subquery())
CASE_AND_STORED = core_select(ITEM_T.c.case, _STORED.label("stored")).where(ITEM_T.c.id == bindparam("item_id"))
ADD_REPLY = insert(REPLY_T).returning(REPLY_T.c.id)
ADD_AUDIT = insert(AUDIT_T)


class RepliesMixin(StoreBase):
    def add_reply(self, *, item_id: int, agency: str, text: str, author: str, chat: str,
                  author_name: str | None = None, message_id: str | None = None,
                  kind: str = "progress", late: bool = False, at: datetime | None = None,
                  on_behalf: bool = False) -> int:
        """Store a reply; the same message (chat and message id) on the same item again is a repeat
        (an event handled again after a crash): the reply it stored before is returned, nothing is added."""
        with self.begin() as conn:
            found = conn.execute(CASE_AND_STORED, {"item_id": item_id, "chat": chat,
                                                   "message_id": message_id}).first()
            if found is None:
                raise StoreError("找不到這個列管案。")
            if found.stored is not None and message_id is not None:
                return int(found.stored)
            row: dict[str, Any] = {
                "item_id": item_id, "agency": agency, "kind": kind, "text": text, "author": author,
                "author_name": author_name, "chat": chat, "message_id": message_id, "at": at or self.clock(),
                "late": late, "superseded_by": None, "withdrawn": False, "on_behalf": on_behalf,
                "corrects": None}
            reply_id = int(conn.execute(ADD_REPLY, row).scalar_one())
            conn.execute(ADD_AUDIT, {"at": self.clock(), "actor": author, "chat": chat, "action": f"reply.{kind}",
                                     "target": found.case, "before": None,
                                     "after": {"agency": agency, "text": text, "late": late,
                                               "on_behalf": on_behalf}})
            return reply_id

    def _current(self, s: Session, *, chat: str, message_id: str) -> list[Reply]:
        return list(s.exec(select(Reply).where(Reply.chat == chat, Reply.message_id == message_id,
                                               col(Reply.superseded_by).is_(None))))

    def edit_replies(self, *, chat: str, message_id: str, text: str, author: str) -> list[int]:
        """An edited message: each reply it carried gets a new version; the old one is kept."""
        with self.session() as s:
            changed = []
            for old in self._current(s, chat=chat, message_id=message_id):
                self._replace(s, old, text=text, author=author, author_name=old.author_name, chat=chat,
                              message_id=message_id, action="reply.edit")
                changed.append(old.item_id)
            return changed

    def _replace(self, s: Session, old: Reply, *, text: str, author: str, author_name: str | None,
                 chat: str, message_id: str | None, action: str) -> Reply:
        """A new version of `old` with `text`: it takes the old one's place, the old one is kept."""
        new = Reply(item_id=old.item_id, agency=old.agency, kind=old.kind, text=text, author=author,
                    author_name=author_name, chat=chat, message_id=message_id, at=self.clock(), late=old.late,
                    withdrawn=old.withdrawn, on_behalf=old.on_behalf, corrects=old.id)
        s.add(new)
        s.flush()
        old.superseded_by = new.id
        s.add(old)
        self.audit(s, actor=author, chat=chat, action=action, target=str(old.item_id),
                   before={"reply": old.id, "text": old.text}, after={"reply": new.id, "text": text})
        return new

    def correct_reply(self, *, reply_id: int, text: str, author: str, chat: str,
                      author_name: str | None = None, message_id: str | None = None) -> int:
        """更正: a new version of a standing reply replaces it; the same message again changes nothing."""
        with self.session() as s:
            old = s.get(Reply, reply_id)
            if old is not None and message_id is not None:  # the same message handled again
                again = s.exec(select(Reply).where(Reply.chat == chat, Reply.message_id == message_id,
                                                   Reply.item_id == old.item_id)).first()
                if again is not None and again.id is not None:
                    return again.id
            if old is None or old.superseded_by is not None or old.withdrawn:
                raise StoreError("這則回報已經更正或撤回，請重新查看「案」後再試。")
            new = self._replace(s, old, text=text, author=author, author_name=author_name, chat=chat,
                                message_id=message_id, action="reply.correct")
            assert new.id is not None
            return new.id

    def withdraw_reply(self, *, reply_id: int, author: str, chat: str) -> None:
        """撤回: the reply no longer counts; it stays in the history, marked withdrawn."""
        with self.session() as s:
            reply = s.get(Reply, reply_id)
            if reply is None or reply.withdrawn:
                raise StoreError("這則回報已經撤回了。")
            reply.withdrawn = True
            s.add(reply)
            self.audit(s, actor=author, chat=chat, action="reply.withdraw", target=str(reply.item_id),
                       before={"reply": reply.id, "text": reply.text})

    def withdraw_replies(self, *, chat: str, message_id: str, author: str) -> list[int]:
        """An unsent message: the replies it carried are marked withdrawn, kept in history."""
        with self.session() as s:
            withdrawn = []
            for reply in self._current(s, chat=chat, message_id=message_id):
                reply.withdrawn = True
                s.add(reply)
                self.audit(s, actor=author, chat=chat, action="reply.withdraw", target=str(reply.item_id),
                           before={"text": reply.text})
                withdrawn.append(reply.item_id)
            return withdrawn

    def replies_since(self, *, since: datetime | None) -> list[tuple[int, str, datetime]]:
        """(item id, agency, at) of standing progress replies, for 未回報 and the digest."""
        with self.session() as s:
            query = select(Reply.item_id, Reply.agency, Reply.at).where(
                Reply.kind == "progress", col(Reply.withdrawn).is_(False),
                col(Reply.superseded_by).is_(None))
            if since is not None:
                query = query.where(Reply.at >= since)
            return [(i, a, t) for i, a, t in s.exec(query)]

    # ---- the secretariat's 辦理情形 for a report (秘書處修改) --------------------------------
    def set_progress_text(self, *, item_id: int, agency: str, meeting: int | None, text: str | None,
                          author: str, chat: str | None, author_name: str | None = None) -> None:
        """The text the report prints for `agency` on the item; None returns to its composed replies."""
        with self.session() as s:
            item = s.get(Item, item_id)
            if item is None:
                raise StoreError("找不到這個列管案。")
            before = self._progress_text(s, item_id=item_id, agency=agency, meeting=meeting)
            s.add(ProgressText(item_id=item_id, agency=agency, meeting=meeting, text=text, author=author,
                               author_name=author_name, chat=chat, at=self.clock()))
            self.audit(s, actor=author, chat=chat, action="progress.restore" if text is None else "progress.edit",
                       target=item.case, before={"agency": agency, "meeting": meeting, "text": before},
                       after={"agency": agency, "meeting": meeting, "text": text})

    def _progress_text(self, s: Session, *, item_id: int, agency: str, meeting: int | None) -> str | None:
        query = select(ProgressText.text).where(ProgressText.item_id == item_id, ProgressText.agency == agency)
        query = query.where(col(ProgressText.meeting).is_(None) if meeting is None
                            else ProgressText.meeting == meeting)
        return s.exec(query.order_by(col(ProgressText.at).desc(), col(ProgressText.id).desc())).first()

    def progress_texts(self, *, item_ids: list[int], meeting: int | None) -> dict[tuple[int, str], str]:
        """(item id, agency) → the text the secretariat set for meeting `meeting`'s report, where one stands."""
        if not item_ids:
            return {}
        with self.session() as s:
            query = select(ProgressText).where(col(ProgressText.item_id).in_(item_ids))
            query = query.where(col(ProgressText.meeting).is_(None) if meeting is None
                                else ProgressText.meeting == meeting)
            latest: dict[tuple[int, str], str | None] = {}
            for row in s.exec(query.order_by(col(ProgressText.at), col(ProgressText.id))):
                latest[(row.item_id, row.agency)] = row.text
            return {key: text for key, text in latest.items() if text is not None}

    # ---- the bot's own messages, so that quoting one lands on its items ----------------
    def record_sent(self, *, chat: str, message_ids: list[str], item_ids: list[int]) -> None:
        with self.session() as s:
            for message_id in message_ids:
                exists = s.exec(select(SentMessage).where(SentMessage.chat == chat,
                                                          SentMessage.message_id == message_id)).first()
                if exists is None:
                    s.add(SentMessage(chat=chat, message_id=message_id, item_ids=list(item_ids),
                                      at=self.clock()))

    def items_of_message(self, *, chat: str, message_id: str) -> list[int] | None:
        with self.session() as s:
            sent = s.exec(select(SentMessage).where(SentMessage.chat == chat,
                                                    SentMessage.message_id == message_id)).first()
            return list(sent.item_ids) if sent else None
