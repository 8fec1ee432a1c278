"""The desk's Store operations on SQLite and PostgreSQL: links used once, sessions renewed and ended."""

from __future__ import annotations

import pytest

from bot.core import Bot
from storage.base import StoreError
from storage.web import token_hash
from tests.conftest import Clock


def test_a_link_signs_in_once_and_only_its_hash_is_stored(bot: Bot, clock: Clock) -> None:
    token = bot.store.create_web_login(user="line:U1", name="王小明", chat="line:C1", actor="line:U1")
    from sqlmodel import Session, select

    from storage.models import WebLogin, WebSession

    with Session(bot.store.engine) as s:
        stored = s.exec(select(WebLogin)).one()
        assert stored.token_hash == token_hash(token) and token not in stored.model_dump_json()
    session, user = bot.store.redeem_web_login(token=token)
    assert (user.user, user.name, user.actor) == ("line:U1", "王小明", "web:line:U1")
    with pytest.raises(StoreError, match="已經用過了"):
        bot.store.redeem_web_login(token=token)
    with Session(bot.store.engine) as s:
        assert [w.token_hash for w in s.exec(select(WebSession))] == [token_hash(session)]
    assert bot.store.web_session(token=session) == user


def test_sessions_last_eight_hours_from_their_last_use_and_end_at_sign_out(bot: Bot, clock: Clock) -> None:
    session, _ = bot.store.redeem_web_login(
        token=bot.store.create_web_login(user="cli:me", name=None, chat=None, actor="cli:me"))
    clock.advance(hours=7, minutes=59)
    assert bot.store.web_session(token=session) is not None
    clock.advance(hours=7, minutes=59)
    assert bot.store.web_session(token=session) is not None
    assert bot.store.end_web_session(token=session)
    assert bot.store.web_session(token=session) is None
    assert not bot.store.end_web_session(token=session)


def test_an_expired_link_and_a_wrong_one_are_refused(bot: Bot, clock: Clock) -> None:
    token = bot.store.create_web_login(user="cli:me", name=None, chat=None, actor="cli:me")
    clock.advance(minutes=11)
    with pytest.raises(StoreError, match="已經過期"):
        bot.store.check_web_login(token=token)
    with pytest.raises(StoreError, match="已經過期"):
        bot.store.redeem_web_login(token=token)
    with pytest.raises(StoreError, match="不正確"):
        bot.store.redeem_web_login(token="nothing")


def test_a_revoked_bind_code_no_longer_binds(bot: Bot) -> None:
    code = bot.store.create_bind_code(agency="教育部", actor="cli", chat=None)
    raw = code.replace("-", "")
    assert [c for c, _, _ in bot.store.open_bind_codes()] == [raw]
    assert bot.store.revoke_bind_code(code=raw, actor="web:cli:me") == "教育部"
    assert bot.store.open_bind_codes() == []
    with pytest.raises(StoreError):
        bot.store.redeem_code(code=code, chat="line:C9", actor="line:U9")
