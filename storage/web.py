"""The web desk's state: single-use sign-in links, sessions, and the reads its pages need.

Only SHA-256 hashes of link and session tokens are stored: a copy of the database signs no one in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, update
from sqlmodel import col, or_, select

from storage.base import StoreBase, StoreError
from storage.models import Audit, BindCode, Item, Meeting, Reply, Review, WebLogin, WebSession

LOGIN_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=8)
# a session is renewed while used, but written at most this often (not on every page)
RENEW_EVERY = timedelta(minutes=5)
LOGIN_T: Table = WebLogin.__table__  # type: ignore[attr-defined]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class WebUser:
    user: str  # platform:user id or cli:<login>
    name: str | None
    session: str  # the hash of the session token: the key for the CSRF token
    chat: str | None = None  # the secretariat chat the link was asked in (None: from the host)

    @property
    def actor(self) -> str:
        return f"web:{self.user}"

    @property
    def shown(self) -> str:
        return self.name or self.user


@dataclass(frozen=True)
class AuditView:
    at: datetime
    actor: str
    chat: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ReplyRecord:
    id: int
    agency: str
    kind: str
    text: str
    author: str
    author_name: str | None
    chat: str
    at: datetime
    late: bool
    withdrawn: bool
    superseded: bool


class WebMixin(StoreBase):
    # ---- sign-in links and sessions ---------------------------------------------------------
    def create_web_login(self, *, user: str, name: str | None, chat: str | None, actor: str) -> str:
        """A new sign-in link's token (valid 10 minutes, usable once); only its hash is kept."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.session() as s:
            s.add(WebLogin(token_hash=token_hash(token), user=user, name=name, chat=chat, created_at=now,
                           expires_at=now + LOGIN_TTL))
            self.audit(s, actor=actor, chat=chat, action="web.link", target=user)
        return token

    def check_web_login(self, *, token: str) -> None:
        """StoreError with the reason when the link cannot sign anyone in (nothing is used up)."""
        with self.session() as s:
            found = s.get(WebLogin, token_hash(token))
            self._refuse_login(found)

    def _refuse_login(self, found: WebLogin | None) -> None:
        if found is None:
            raise StoreError("這個登入連結不正確。")
        if found.used_at is not None:
            raise StoreError("這個登入連結已經用過了（每個連結只能登入一次）。")
        if found.expires_at <= self.clock():
            raise StoreError("這個登入連結已經過期（連結只在 10 分鐘內有效）。")

    def redeem_web_login(self, *, token: str) -> tuple[str, WebUser]:
        """Use a link up and open a session: (the session's token for the cookie, who signed in)."""
        now = self.clock()
        hashed = token_hash(token)
        with self.session() as s:
            # conditional update: of two browsers racing with one link, only one signs in
            used = s.execute(update(LOGIN_T).where(LOGIN_T.c.token_hash == hashed, LOGIN_T.c.used_at.is_(None),
                                                   LOGIN_T.c.expires_at > now).values(used_at=now))
            found = s.get(WebLogin, hashed)
            if used.rowcount != 1 or found is None:  # type: ignore[attr-defined]
                s.rollback()
                self._refuse_login(s.get(WebLogin, hashed))
                raise StoreError("這個登入連結已經用過了（每個連結只能登入一次）。")
            session_token = secrets.token_urlsafe(32)
            s.add(WebSession(token_hash=token_hash(session_token), user=found.user, name=found.name,
                             chat=found.chat, created_at=now, expires_at=now + SESSION_TTL))
            self.audit(s, actor=f"web:{found.user}", chat=found.chat, action="web.signin", target=found.user)
            return session_token, WebUser(found.user, found.name, token_hash(session_token), found.chat)

    def web_session(self, *, token: str) -> WebUser | None:
        """Who this session is, renewing it while it is used; None when it has ended or expired."""
        now = self.clock()
        with self.session() as s:
            found = s.get(WebSession, token_hash(token))
            if found is None or found.ended_at is not None or found.expires_at <= now:
                return None
            if found.expires_at - now < SESSION_TTL - RENEW_EVERY:
                found.expires_at = now + SESSION_TTL
                s.add(found)
            return WebUser(found.user, found.name, found.token_hash, found.chat)

    def end_web_session(self, *, token: str) -> bool:
        with self.session() as s:
            found = s.get(WebSession, token_hash(token))
            if found is None or found.ended_at is not None:
                return False
            found.ended_at = self.clock()
            s.add(found)
            self.audit(s, actor=f"web:{found.user}", chat=None, action="web.signout", target=found.user)
            return True

    # ---- what an item page shows beyond its view ---------------------------------------------
    def item_audit(self, *, item_id: int, case: str) -> list[AuditView]:
        """The item's trail: item.* and progress.* actions name the case, reply.* actions the item id."""
        with self.session() as s:
            rows = s.exec(select(Audit).where(or_(
                (col(Audit.action).startswith("item.") | col(Audit.action).startswith("progress."))
                & (Audit.target == case),
                (col(Audit.action).startswith("reply.")) & (Audit.target == str(item_id)),
            )).order_by(col(Audit.at), col(Audit.id)))
            return [AuditView(a.at, a.actor, a.chat, a.action, a.before, a.after) for a in rows]

    def reply_records(self, *, item_id: int) -> list[ReplyRecord]:
        """Every reply an item received, oldest first, with the chat it came from."""
        with self.session() as s:
            rows = s.exec(select(Reply).where(Reply.item_id == item_id).order_by(col(Reply.at), col(Reply.id)))
            return [ReplyRecord(r.id or 0, r.agency, r.kind, r.text, r.author, r.author_name, r.chat, r.at,
                                r.late, r.withdrawn, r.superseded_by is not None) for r in rows]

    def review_history(self, *, body_id: int) -> list[tuple[int, str, int | None, datetime]]:
        """(item id, decision, meeting number, when recorded) of every review of the body's items, oldest first:
        when items were created, continued and released, for the statistics."""
        with self.session() as s:
            rows = s.exec(select(Review.item_id, Review.decision, Meeting.number, Review.at)
                          .join(Item, col(Item.id) == Review.item_id)
                          .join(Meeting, col(Meeting.id) == Review.meeting_id, isouter=True)
                          .where(Item.body_id == body_id).order_by(col(Review.at), col(Review.id)))
            return [(i, d, n, a) for i, d, n, a in rows]

    # ---- bind codes the secretariat made -----------------------------------------------------
    def open_bind_codes(self) -> list[tuple[str, str, datetime]]:
        """(code, agency, expires at) of codes neither used nor expired."""
        with self.session() as s:
            rows = s.exec(select(BindCode).where(col(BindCode.used_at).is_(None),
                                                 BindCode.expires_at > self.clock())
                          .order_by(col(BindCode.expires_at)))
            return [(c.code, c.agency, c.expires_at) for c in rows]

    def revoke_bind_code(self, *, code: str, actor: str) -> str | None:
        """Expire an unused code now; its agency, or None when there was no such open code."""
        with self.session() as s:
            found = s.get(BindCode, code)
            if found is None or found.used_at is not None or found.expires_at <= self.clock():
                return None
            # redeeming refuses a code whose moment has passed: one second ago, not now
            found.expires_at = self.clock() - timedelta(seconds=1)
            s.add(found)
            self.audit(s, actor=actor, chat=None, action="bindcode.revoke", target=found.agency)
            return found.agency
