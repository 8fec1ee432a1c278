"""Without a session the desk shows nothing; without the session's CSRF token it changes nothing."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from bot.core import Bot
from tests.web.conftest import Desk, sign_in

PAGES = ["/", "/items", "/items/1", "/report", "/report/download?format=docx", "/agencies", "/import",
         "/import/review", "/reminders", "/stats", "/stats.csv"]
FORMS = ["/items/1/edit", "/items/1/assign", "/items/1/due", "/items/1/propose", "/items/1/decide",
         "/agencies/bindcode", "/agencies/revoke", "/agencies/unbind", "/logout", "/import", "/import/confirm",
         "/import/cancel", "/reminders"]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_without_a_session_sends_to_the_sign_in_explanation(
        seeded: Desk, client: TestClient, path: str) -> None:
    answer = await client.get(path, allow_redirects=False)
    assert answer.status == 303 and answer.headers["Location"] == "/signin"
    explained = await client.get(path)
    text = await explained.text()
    assert "請從秘書處群組輸入「網頁」取得登入連結" in text
    assert "請教育部" not in text and "教育部" not in text  # no data at all


@pytest.mark.parametrize("path", FORMS)
async def test_every_form_without_a_session_is_refused_and_changes_nothing(
        seeded: Desk, client: TestClient, path: str) -> None:
    before = seeded.bot.store.item(item_id=1)
    answer = await client.post(path, data={"text": "改掉", "status": "released", "agency": "教育部"},
                               allow_redirects=False)
    assert answer.status == 403 and "請從秘書處群組輸入「網頁」" in await answer.text()
    assert seeded.bot.store.item(item_id=1) == before


@pytest.mark.parametrize("path", FORMS)
async def test_a_form_without_the_csrf_token_is_refused(seeded: Desk, client: TestClient, path: str) -> None:
    await sign_in(client, seeded.bot)
    before = seeded.bot.store.item(item_id=1)
    codes = seeded.bot.store.open_bind_codes()
    for data in ({"text": "改掉", "status": "released"}, {"text": "改掉", "status": "released", "csrf": "0" * 64}):
        answer = await client.post(path, data=data, allow_redirects=False)
        assert answer.status == 403 and "表單已失效" in await answer.text()
    assert seeded.bot.store.item(item_id=1) == before and seeded.bot.store.open_bind_codes() == codes
    assert (await client.get("/", allow_redirects=False)).status == 200  # still signed in


async def test_another_sessions_csrf_token_does_not_work(seeded: Desk, client: TestClient, desk_bot: Bot) -> None:
    from aiohttp.test_utils import TestServer

    from bot.app import create_app

    async with TestClient(TestServer(create_app(desk_bot))) as other:
        theirs = await sign_in(other, desk_bot)
    await sign_in(client, desk_bot)
    answer = await client.post("/items/1/decide", data={"csrf": theirs, "status": "released"})
    assert answer.status == 403
    assert seeded.bot.store.item(item_id=1).status != "released"


async def test_an_oversized_post_gets_a_413_page_not_a_500(seeded: Desk, client: TestClient) -> None:
    csrf = await sign_in(client, seeded.bot)
    big = b"x" * (20 * 1024 * 1024 + 1)
    answer = await client.post("/items/1/edit", data={"csrf": csrf, "text": big.decode()})
    assert answer.status == 413 and "20 MB" in await answer.text()
    assert seeded.bot.store.item(item_id=1).text == "請教育部提出學生輔導轉介流程"


async def test_the_sign_in_explanation_and_static_files_need_no_session(client: TestClient) -> None:
    assert (await client.get("/signin")).status == 200
    css = await client.get("/static/desk.css")
    assert css.status == 200 and ".matrix" in await css.text()
