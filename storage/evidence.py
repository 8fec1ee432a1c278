"""佐證: the files agencies send with their replies, and the jobs that fetch them from the platforms.

The bytes are kept once per content (EvidenceBlob, keyed by SHA-256); each file an agency sent is an
EvidenceFile (its name as sent, its type, who sent it, the item and reply it supports), unique per
chat and platform message, so fetching a message again after a crash stores nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, or_
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from storage.base import StoreBase, StoreError
from storage.models import EvidenceBlob, EvidenceFile, FetchJob, Item, Reply

LEASE = timedelta(minutes=2)  # a claimed job whose fetcher died is taken up again after this
BLOB_T: Table = EvidenceBlob.__table__  # type: ignore[attr-defined]
JOB_T: Table = FetchJob.__table__  # type: ignore[attr-defined]
_NEW_BLOB = {"postgresql": postgresql.insert(BLOB_T).on_conflict_do_nothing(index_elements=["sha256"]),
             "sqlite": sqlite.insert(BLOB_T).on_conflict_do_nothing(index_elements=["sha256"])}
_NEW_JOB = {"postgresql": postgresql.insert(JOB_T).on_conflict_do_nothing(index_elements=["key"]),
            "sqlite": sqlite.insert(JOB_T).on_conflict_do_nothing(index_elements=["key"])}


@dataclass(frozen=True)
class EvidenceView:
    id: int
    item_id: int | None
    reply_id: int | None
    body_id: int | None
    name: str
    mime: str
    size: int
    sha256: str
    agency: str
    author: str
    author_name: str | None
    chat: str
    at: datetime
    withdrawn: bool

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


def _view(row: EvidenceFile) -> EvidenceView:
    assert row.id is not None
    return EvidenceView(id=row.id, item_id=row.item_id, reply_id=row.reply_id, body_id=row.body_id,
                        name=row.name, mime=row.mime, size=row.size, sha256=row.sha256, agency=row.agency,
                        author=row.author, author_name=row.author_name, chat=row.chat, at=row.at,
                        withdrawn=row.withdrawn)


class EvidenceMixin(StoreBase):
    # ---- fetch jobs ------------------------------------------------------------------------------
    def add_fetch_job(self, *, key: str, chat: str, payload: dict[str, Any]) -> bool:
        """Record a file to fetch; False when this message's file is already recorded (a redelivery)."""
        now = self.clock()
        row = {"key": key, "chat": chat, "payload": payload, "status": "pending", "attempts": 0,
               "next_attempt_at": now, "last_error": None, "created_at": now, "done_at": None}
        with self.begin() as conn:
            return bool(conn.execute(_NEW_JOB[self.engine.dialect.name], row).rowcount)

    def claim_fetch_jobs(self, *, limit: int, platforms: list[str]) -> list[FetchJob]:
        """Jobs due now, leased to this fetcher (one that died leaves them to be taken up again)."""
        now = self.clock()
        with self.session() as s:
            if not platforms:
                return []
            query = (select(FetchJob).where(col(FetchJob.status).in_(["pending", "fetching"]),
                                            FetchJob.next_attempt_at <= now,
                                            or_(*[col(FetchJob.key).startswith(f"{p}:") for p in platforms]))
                     .order_by(col(FetchJob.created_at)).limit(limit))
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            jobs = list(s.exec(query))
            for job in jobs:
                job.status, job.next_attempt_at = "fetching", now + LEASE
                s.add(job)
            return jobs

    def settle_fetch_job(self, *, key: str, status: str, error: str | None = None,
                         retry_at: datetime | None = None) -> None:
        """done, failed, or pending again at `retry_at`."""
        with self.session() as s:
            job = s.get(FetchJob, key)
            if job is None:
                return
            job.status, job.attempts, job.last_error = status, job.attempts + 1, error
            if status == "pending" and retry_at is not None:
                job.next_attempt_at = retry_at
            if status in ("done", "failed"):
                job.done_at = self.clock()
            s.add(job)

    def prune_fetch_jobs(self, *, before: datetime) -> int:
        """Jobs finished before `before` are forgotten (the files they stored stay)."""
        with self.begin() as conn:
            return int(conn.execute(JOB_T.delete().where(JOB_T.c.status.in_(["done", "failed"]),
                                                         JOB_T.c.done_at < before)).rowcount)

    def fetch_job(self, *, key: str) -> FetchJob | None:
        with self.session() as s:
            return s.get(FetchJob, key)

    # ---- files -----------------------------------------------------------------------------------
    def store_evidence(self, *, content: bytes, sha256: str, name: str, mime: str, agency: str, author: str,
                       chat: str, message_id: str, at: datetime, author_name: str | None = None,
                       body_id: int | None = None, item_id: int | None = None,
                       reply_id: int | None = None) -> tuple[int, bool]:
        """Keep a file (its bytes once per content); (its id, whether it is new). The same message
        again (a job taken up after a crash) returns the file stored the first time."""
        with self.session() as s:
            found = s.exec(select(EvidenceFile).where(EvidenceFile.chat == chat,
                                                      EvidenceFile.message_id == message_id)).first()
            if found is not None and found.id is not None:
                return found.id, False
            s.connection().execute(_NEW_BLOB[self.engine.dialect.name],
                                   {"sha256": sha256, "size": len(content), "content": content,
                                    "created_at": self.clock()})
            row = EvidenceFile(sha256=sha256, name=name, mime=mime, size=len(content), body_id=body_id,
                               item_id=item_id, reply_id=reply_id, agency=agency, author=author,
                               author_name=author_name, chat=chat, message_id=message_id, at=at)
            s.add(row)
            s.flush()
            self.audit(s, actor=author, chat=chat, action="evidence.add", target=str(item_id or ""),
                       after={"file": row.id, "name": name, "sha256": sha256, "reply": reply_id})
            assert row.id is not None
            return row.id, True

    def attach_evidence(self, *, file_id: int, item_id: int, reply_id: int | None, author: str,
                        chat: str) -> EvidenceView:
        """A file waiting for its item (the contact pressed a case button) is attached to it."""
        with self.session() as s:
            row = s.get(EvidenceFile, file_id)
            item = s.get(Item, item_id)
            if row is None or item is None or row.withdrawn:
                raise StoreError("找不到這個檔案，請再傳一次。")
            row.item_id, row.reply_id, row.body_id = item_id, reply_id, item.body_id
            s.add(row)
            self.audit(s, actor=author, chat=chat, action="evidence.attach", target=item.case,
                       after={"file": file_id, "reply": reply_id})
            return _view(row)

    def withdraw_evidence(self, *, file_id: int, author: str, chat: str) -> EvidenceView:
        with self.session() as s:
            row = s.get(EvidenceFile, file_id)
            if row is None or row.withdrawn:
                raise StoreError("這個檔案已經撤回了。")
            row.withdrawn = True
            s.add(row)
            self.audit(s, actor=author, chat=chat, action="evidence.withdraw", target=str(row.item_id or ""),
                       before={"file": file_id, "name": row.name})
            return _view(row)

    def withdraw_evidence_message(self, *, chat: str, message_id: str, author: str) -> list[int]:
        """An unsent file message: its file no longer counts (kept, marked)."""
        with self.session() as s:
            rows = s.exec(select(EvidenceFile).where(EvidenceFile.chat == chat,
                                                     EvidenceFile.message_id == message_id,
                                                     col(EvidenceFile.withdrawn).is_(False))).all()
            for row in rows:
                row.withdrawn = True
                s.add(row)
                self.audit(s, actor=author, chat=chat, action="evidence.withdraw",
                           target=str(row.item_id or ""), before={"file": row.id, "name": row.name})
            return [r.id for r in rows if r.id is not None]

    def evidence(self, *, file_id: int) -> EvidenceView | None:
        with self.session() as s:
            row = s.get(EvidenceFile, file_id)
            return _view(row) if row else None

    def evidence_of(self, *, item_ids: list[int], withdrawn: bool = False) -> list[EvidenceView]:
        """The files of these items, oldest first (withdrawn ones only when asked for)."""
        if not item_ids:
            return []
        with self.session() as s:
            query = select(EvidenceFile).where(col(EvidenceFile.item_id).in_(item_ids))
            if not withdrawn:
                query = query.where(col(EvidenceFile.withdrawn).is_(False))
            return [_view(r) for r in s.exec(query.order_by(col(EvidenceFile.at), col(EvidenceFile.id)))]

    def evidence_content(self, *, file_id: int) -> tuple[EvidenceView, bytes] | None:
        with self.session() as s:
            row = s.get(EvidenceFile, file_id)
            blob = s.get(EvidenceBlob, row.sha256) if row else None
            return (_view(row), bytes(blob.content)) if row and blob else None

    def evidence_contents(self, *, file_ids: list[int], batch: int = 8) -> Iterator[tuple[int, bytes]]:
        """The bytes of these files, a few rows at a time (a meeting's evidence never at once in memory)."""
        for start in range(0, len(file_ids), batch):
            ids = file_ids[start:start + batch]
            with self.connect() as conn:
                files = EvidenceFile.__table__  # type: ignore[attr-defined]
                query = (core_select(files.c.id, BLOB_T.c.content)
                         .join(BLOB_T, BLOB_T.c.sha256 == files.c.sha256).where(files.c.id.in_(ids)))
                found = {row.id: bytes(row.content) for row in conn.execute(query)}
            for file_id in ids:
                if file_id in found:
                    yield file_id, found.pop(file_id)

    def evidence_usage(self, *, body_id: int) -> int:
        """Bytes this body's files take (each content once, withdrawn ones too: they are kept)."""
        files = EvidenceFile.__table__  # type: ignore[attr-defined]
        distinct = (core_select(files.c.sha256).where(files.c.body_id == body_id).distinct().subquery())
        query = core_select(func.coalesce(func.sum(BLOB_T.c.size), 0)).where(
            BLOB_T.c.sha256.in_(core_select(distinct.c.sha256)))
        with self.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def recent_reply(self, *, chat: str, author: str, since: datetime, until: datetime) -> tuple[int, int] | None:
        """(reply id, item id) of this person's latest standing reply in this chat in [since, until]."""
        with self.session() as s:
            row = s.exec(select(Reply.id, Reply.item_id).where(
                Reply.chat == chat, Reply.author == author, Reply.at >= since, Reply.at <= until,
                Reply.kind == "progress",
                col(Reply.withdrawn).is_(False), col(Reply.superseded_by).is_(None))
                .order_by(col(Reply.at).desc(), col(Reply.id).desc())).first()
            return (int(row[0]), int(row[1])) if row and row[0] is not None else None

