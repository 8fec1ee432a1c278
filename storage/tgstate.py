"""What the Telegram channel keeps: updates seen (de-duplication, crash recovery), long button data,
and a group's move to a supergroup (its chat id changes; its binding and pending messages follow).

Update keys are `telegram:<bot id>:<update id>`: update ids are per bot, so a new token starts afresh.
An update is `received` until handled, then `done` (or `failed`); a `received` one whose `at` is old
belongs to a process that died, and is claimed by bumping `at` (a lease), so two replicas never both
take it. Recording and finishing take lists: the channel commits them in groups (one transaction for
all the updates that arrived together).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select

from storage.base import StoreBase
from storage.events import DONE, FAILED, insert_events
from storage.models import ChatBinding, KeyValue, Outbox, ProcessedEvent, SentMessage

CALLBACK_PREFIX = "tgcb:"


class TelegramStateMixin(StoreBase):
    # ---- updates ---------------------------------------------------------------------------
    def tg_record_update(self, *, key: str, payload: dict[str, Any]) -> bool:
        """Record an update as received; False when it is known already (a redelivery)."""
        return key in self.tg_record_updates(rows=[(key, payload)])

    def tg_record_updates(self, *, rows: list[tuple[str, dict[str, Any]]],
                          finished: list[tuple[str, bool]] | None = None, done: Collection[str] = ()) -> set[str]:
        """One transaction: record updates as received (the keys that were new are returned; a known
        key is a redelivery; those in `done` are handled in the same unit of work) and mark handled
        ones done, or failed (True) when a retry would not mend them (left for a person to read in
        the log)."""
        unique: dict[str, dict[str, Any]] = {}
        for key, payload in rows:  # the first of a repeated key within the batch counts
            unique.setdefault(key, payload)
        fresh: set[str] = set()
        with self.begin() as conn:
            if unique:
                fresh = insert_events(conn, unique, done=done, at=self.clock(), owner=self.owner)
            for status in (DONE, FAILED):
                keys = [k for k, failed in finished or [] if (status == FAILED) == failed]
                if keys:
                    conn.execute(update(ProcessedEvent).where(col(ProcessedEvent.key).in_(keys))
                                 .values(status=status))
        return fresh

    def tg_finish_update(self, *, key: str, failed: bool = False) -> None:
        self.tg_record_updates(rows=[], finished=[(key, failed)])

    def tg_answered(self, *, keys: list[str]) -> set[str]:
        """Updates whose answers are already in the outbox (keys `<update key>:<n>`): handled."""
        with self.begin() as conn:
            return {key for key in keys if conn.execute(select(Outbox.id).where(
                col(Outbox.key).startswith(key + ":")).limit(1)).first() is not None}

    def tg_update_status(self, *, key: str) -> str | None:
        with self.session() as s:
            found = s.get(ProcessedEvent, key)
            return found.status if found else None

    def tg_prune_updates(self, *, prefix: str, before: datetime) -> int:
        """Forget handled updates older than any redelivery (Telegram keeps updates 24 hours)."""
        with self.begin() as conn:
            result = conn.execute(delete(ProcessedEvent).where(
                col(ProcessedEvent.key).startswith(prefix), col(ProcessedEvent.status) == DONE,
                col(ProcessedEvent.at) < before))
            return int(result.rowcount or 0)

    # ---- button data over Telegram's 64 bytes --------------------------------------------------
    def tg_callback_token(self, *, data: str) -> str:
        """A short stand-in for long button data; the same data always gets the same token."""
        token = hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]
        with self.session() as s:
            if s.get(KeyValue, CALLBACK_PREFIX + token) is None:
                s.add(KeyValue(key=CALLBACK_PREFIX + token, value=data))
        return token

    def tg_callback_data(self, *, token: str) -> str | None:
        with self.session() as s:
            found = s.get(KeyValue, CALLBACK_PREFIX + token)
            return found.value if found else None

    # ---- a group upgraded to a supergroup ------------------------------------------------------
    def tg_migrate_chat(self, *, old: str, new: str, actor: str) -> str | None:
        """Move the binding, the bot's message records and unsent rows to the new chat key.

        Returns the agency the chat is bound to (None when it is not bound)."""
        with self.session() as s:
            binding = s.exec(select(ChatBinding).where(ChatBinding.chat == old)).first()
            taken = s.exec(select(ChatBinding).where(ChatBinding.chat == new)).first()
            agency = binding.agency if binding else taken.agency if taken else None
            if binding is not None and taken is None:
                binding.chat = new
                s.add(binding)
                self.audit(s, actor=actor, chat=new, action="bind.migrate", target=binding.agency,
                           before={"chat": old}, after={"chat": new})
            conn = s.connection()  # the same transaction; Core statements, not ORM objects
            conn.execute(update(SentMessage).where(col(SentMessage.chat) == old).values(chat=new))
            conn.execute(update(Outbox).where(col(Outbox.chat) == old,
                                           col(Outbox.status).in_(["pending", "sending"])).values(chat=new))
            return agency
