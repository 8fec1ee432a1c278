"""Who is who: chats bound to agencies, binding codes, and the people who act as the secretariat."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import timedelta
from typing import Literal

from sqlalchemy import Table, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import col, select

from storage.base import StoreBase, StoreError
from storage.models import Admin, BindCode, BindFailure, ChatBinding

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
CODE_TTL = timedelta(hours=24)
FAILURE_WINDOW = timedelta(hours=1)
CONFIRM_WITHIN = timedelta(minutes=10)  # a rebind must be confirmed soon after the warning
MAX_FAILURES = 5
# Across every chat: many fresh groups each trying a few codes must not add up to guessing codes at scale.
GLOBAL_FAILURE_WINDOW = timedelta(minutes=10)
MAX_GLOBAL_FAILURES = 20
ADMIN_T: Table = Admin.__table__  # type: ignore[attr-defined]
BINDING_T: Table = ChatBinding.__table__  # type: ignore[attr-defined]
BOUND_TO = core_select(BINDING_T.c.agency).where(BINDING_T.c.chat == bindparam("chat"))
# who speaks, in one query: whether the person is an admin, and what the chat is bound to
STANDING = core_select(
    core_select(func.count()).select_from(ADMIN_T).where(ADMIN_T.c.user == bindparam("user"))
    .scalar_subquery().label("admin"),
    BOUND_TO.scalar_subquery().label("agency"))


class RebindNeeded(StoreError):
    """The chat is bound to another agency: nothing changed, the code stays unused until confirmed."""

    def __init__(self, *, current: str, agency: str, code: str, expired: bool) -> None:
        super().__init__(f"本群組目前是「{current}」的群組")
        self.current, self.agency, self.code, self.expired = current, agency, code, expired


def normalise_code(code: str) -> str:
    """K7Q-42M, k7q42m and Ｋ７Ｑ－４２Ｍ are one code."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", code).upper() if ch.isascii() and ch.isalnum())


def display_code(code: str) -> str:
    return f"{code[:3]}-{code[3:]}"


class PeopleMixin(StoreBase):
    def create_bind_code(self, *, agency: str, actor: str, chat: str | None) -> str:
        with self.session() as s:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
            s.add(BindCode(code=code, agency=agency, created_by=actor,
                           expires_at=self.clock() + CODE_TTL))
            self.audit(s, actor=actor, chat=chat, action="bindcode.create", target=agency)
            return display_code(code)

    def locked_out(self, *, chat: str) -> Literal["chat", "everyone"] | None:
        """Why binding is refused now: "chat" after MAX_FAILURES wrong codes from this chat within
        FAILURE_WINDOW, "everyone" after MAX_GLOBAL_FAILURES from all chats within GLOBAL_FAILURE_WINDOW."""
        now = self.clock()
        with self.session() as s:
            mine = s.exec(select(func.count()).select_from(BindFailure).where(
                BindFailure.chat == chat, BindFailure.at > now - FAILURE_WINDOW)).one()
            if int(mine) >= MAX_FAILURES:
                return "chat"
            everyone = s.exec(select(func.count()).select_from(BindFailure).where(
                BindFailure.at > now - GLOBAL_FAILURE_WINDOW)).one()
            return "everyone" if int(everyone) >= MAX_GLOBAL_FAILURES else None

    def redeem_code(self, *, code: str, chat: str, actor: str, confirm: bool = False) -> str:
        """Bind `chat` with a code and return the agency; StoreError with the reason otherwise.

        A chat bound to another agency (or to the secretariat) is never rebound silently: the first
        time RebindNeeded is raised and the offer noted on the code; `confirm` within CONFIRM_WITHIN
        of that offer rebinds.
        """
        now = self.clock()
        with self.session() as s:
            found = s.get(BindCode, normalise_code(code))
            if found is None or found.used_at is not None or found.expires_at < now:
                reason = ("這個綁定碼已使用過" if found is not None and found.used_at is not None
                          else "這個綁定碼已過期" if found is not None else "綁定碼不正確")
            else:
                reason = ""
            if reason:  # recorded (committed) before refusing, so five wrong codes lock the chat out
                s.add(BindFailure(chat=chat, at=now))
                self.audit(s, actor=actor, chat=chat, action="bind.fail", target=normalise_code(code)[:40])
        if reason:
            raise StoreError(reason)
        self._check_rebind(code=normalise_code(code), chat=chat, actor=actor, confirm=confirm)
        with self.session() as s:
            found = s.get(BindCode, normalise_code(code))
            assert found is not None
            found.used_at, found.used_by = now, chat
            s.add(found)
            binding = s.exec(select(ChatBinding).where(ChatBinding.chat == chat)).first()
            before = {"agency": binding.agency} if binding else None
            if binding is None:
                binding = ChatBinding(chat=chat, agency=found.agency, bound_by=actor, bound_at=now)
            binding.agency, binding.bound_by, binding.bound_at = found.agency, actor, now
            s.add(binding)
            self.audit(s, actor=actor, chat=chat, action="bind", target=found.agency, before=before,
                       after={"agency": found.agency})
            return found.agency

    def _check_rebind(self, *, code: str, chat: str, actor: str, confirm: bool) -> None:
        now = self.clock()
        with self.session() as s:
            found = s.get(BindCode, code)
            binding = s.exec(select(ChatBinding).where(ChatBinding.chat == chat)).first()
            if found is None or binding is None or binding.agency == found.agency:
                return
            offered = found.offered_to == chat and found.offer_expires is not None
            if confirm and offered and found.offer_expires is not None and found.offer_expires >= now:
                return
            found.offered_to, found.offer_expires = chat, now + CONFIRM_WITHIN
            s.add(found)
            self.audit(s, actor=actor, chat=chat, action="bind.offer", target=found.agency,
                       before={"agency": binding.agency})
            current, agency = binding.agency, found.agency
        raise RebindNeeded(current=current, agency=agency, code=display_code(code), expired=confirm and offered)

    def binding(self, *, chat: str) -> str | None:
        with self.connect() as conn:
            agency: str | None = conn.execute(BOUND_TO, {"chat": chat}).scalar()
            return agency

    def standing(self, *, user: str, chat: str) -> tuple[bool, str | None]:
        """(is `user` an admin, the agency `chat` is bound to or None): who is speaking, in one query."""
        with self.connect() as conn:
            row = conn.execute(STANDING, {"user": user, "chat": chat}).one()
            return bool(row.admin), row.agency

    def bindings(self) -> list[tuple[str, str]]:
        """(chat, agency) of every bound chat, by agency."""
        with self.session() as s:
            rows = s.exec(select(ChatBinding.chat, ChatBinding.agency)
                          .order_by(col(ChatBinding.agency), col(ChatBinding.id)))
            return [(c, a) for c, a in rows]

    def unbind(self, *, chat: str, actor: str, by_chat: str | None) -> str | None:
        with self.session() as s:
            found = s.exec(select(ChatBinding).where(ChatBinding.chat == chat)).first()
            if found is None:
                return None
            s.delete(found)
            self.audit(s, actor=actor, chat=by_chat, action="unbind", target=chat,
                       before={"agency": found.agency})
            return found.agency

    # ---- people who act as the secretariat anywhere ---------------------------------------
    def is_admin(self, *, user: str) -> bool:
        return self.standing(user=user, chat="")[0]

    def add_admin(self, *, user: str, actor: str) -> bool:
        with self.session() as s:
            if s.get(Admin, user) is not None:
                return False
            s.add(Admin(user=user, added_by=actor, added_at=self.clock()))
            self.audit(s, actor=actor, chat=None, action="admin.add", target=user)
            return True

    def remove_admin(self, *, user: str, actor: str) -> bool:
        with self.session() as s:
            found = s.get(Admin, user)
            if found is None:
                return False
            s.delete(found)
            self.audit(s, actor=actor, chat=None, action="admin.remove", target=user)
            return True

    def admins(self) -> list[str]:
        with self.session() as s:
            return list(s.exec(select(Admin.user).order_by(col(Admin.user))))


__all__ = ["CONFIRM_WITHIN", "PeopleMixin", "RebindNeeded", "StoreError", "display_code", "normalise_code"]
