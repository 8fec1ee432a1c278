"""Signing in to the web desk without a password: a single-use link from the chat or the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.core import Bot, open_bot
from config.settings import Settings
from tests.conftest import Clock
from tests.driver import Chat
from tests.web.conftest import sign_in

LIEGUAN = str(Path(sys.executable).parent / "lieguan")


def _link(bot: Bot) -> str:
    return bot.store.create_web_login(user="line:Usec", name="王小明", chat=None, actor="test")


async def test_opening_a_link_does_not_use_it_up_pressing_login_does(client: TestClient, desk_bot: Bot) -> None:
    token = _link(desk_bot)
    for _ in range(2):  # a chat app's preview robot opens it first; the person can still sign in
        page = await client.get(f"/login/{token}")
        assert page.status == 200 and "登入" in await page.text()
    pressed = await client.post(f"/login/{token}", allow_redirects=False)
    assert pressed.status == 303 and pressed.headers["Location"] == "/"
    home = await client.get("/")
    assert home.status == 200 and "秘書處 王小明" in await home.text()


async def test_a_replayed_link_gets_a_clear_page_and_no_session(client: TestClient, desk_bot: Bot) -> None:
    token = _link(desk_bot)
    await client.post(f"/login/{token}", allow_redirects=False)
    async with TestClient(TestServer(create_app(desk_bot))) as other:
        for answer in (await other.get(f"/login/{token}"), await other.post(f"/login/{token}", allow_redirects=False)):
            assert answer.status == 410
            assert "已經用過了" in await answer.text()
        assert (await other.get("/", allow_redirects=False)).status == 303


async def test_an_expired_link_is_refused_after_ten_minutes(client: TestClient, desk_bot: Bot, clock: Clock) -> None:
    token = _link(desk_bot)
    clock.advance(minutes=10, seconds=1)
    answer = await client.post(f"/login/{token}", allow_redirects=False)
    assert answer.status == 410 and "已經過期" in await answer.text()
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_a_wrong_link_is_404_with_how_to_get_one(client: TestClient) -> None:
    answer = await client.post("/login/not-a-real-token", allow_redirects=False)
    text = await answer.text()
    assert answer.status == 404 and "不正確" in text and "網頁" in text


async def test_the_session_cookie_is_httponly_and_lax_and_lasts_eight_hours_while_used(
        client: TestClient, desk_bot: Bot, clock: Clock) -> None:
    token = _link(desk_bot)
    pressed = await client.post(f"/login/{token}", allow_redirects=False)
    cookie = pressed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Max-Age=28800" in cookie
    clock.advance(hours=7)
    assert (await client.get("/", allow_redirects=False)).status == 200  # used: renewed for 8 more hours
    clock.advance(hours=7)
    assert (await client.get("/", allow_redirects=False)).status == 200
    clock.advance(hours=8, seconds=1)
    gone = await client.get("/", allow_redirects=False)
    assert gone.status == 303 and gone.headers["Location"] == "/signin"


async def test_the_cookie_is_secure_when_the_public_url_is_https(sqlite_url: str, clock: Clock) -> None:
    from storage.db import migrate

    migrate(sqlite_url)
    bot = open_bot(Settings(database_url=sqlite_url, public_url="https://desk.example.gov.tw"), clock=clock)
    async with TestClient(TestServer(create_app(bot))) as client:
        pressed = await client.post(f"/login/{_link(bot)}", allow_redirects=False)
        assert "Secure" in pressed.headers["Set-Cookie"]
    bot.store.engine.dispose()


async def test_signing_out_ends_the_session(client: TestClient, desk_bot: Bot) -> None:
    csrf = await sign_in(client, desk_bot)
    out = await client.post("/logout", data={"csrf": csrf})
    assert out.status == 200 and "已登出" in await out.text()
    assert (await client.get("/", allow_redirects=False)).status == 303


def test_web_in_a_secretariat_chat_answers_with_a_personal_link(desk_bot: Bot) -> None:
    secretariat = Chat(desk_bot, "line:Csec", user="Usec", name="王小明")
    secretariat.run(f"綁定 {desk_bot.store.create_bind_code(agency='秘書處', actor='cli', chat=None)}")
    answer = secretariat.run("網頁")
    assert "10 分鐘內有效" in answer and "http://127.0.0.1:8080/login/" in answer
    assert "http://127.0.0.1:8080/login/" in secretariat.run("/web")


def test_an_agency_chat_is_told_only_the_secretariat_signs_in(desk_bot: Bot) -> None:
    from tests.conftest import bind_agency

    secretariat = Chat(desk_bot, "line:Csec", user="Usec", name="王小明")
    secretariat.run(f"綁定 {desk_bot.store.create_bind_code(agency='秘書處', actor='cli', chat=None)}")
    education = bind_agency(secretariat, "教育部", "line:Cedu")
    answer = education.run("網頁")
    assert "只有秘書處可以登入" in answer and "http" not in answer
    assert "只有秘書處可以登入" in Chat(desk_bot, "line:Cstranger").run("/web")


def test_lieguan_web_login_prints_the_link_on_its_last_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIEGUAN_")}
    env |= {"LIEGUAN_PUBLIC_URL": "https://desk.example.gov.tw/"}
    result = subprocess.run([LIEGUAN, "web-login"], cwd=tmp_path, capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("https://desk.example.gov.tw/login/") and " " not in last
    env.pop("LIEGUAN_PUBLIC_URL")
    env |= {"LIEGUAN_HOST": "0.0.0.0", "LIEGUAN_PORT": "9090"}
    again = subprocess.run([LIEGUAN, "web-login"], cwd=tmp_path, capture_output=True, text=True, env=env,
                           timeout=120)
    assert again.stdout.strip().splitlines()[-1].startswith("http://0.0.0.0:9090/login/")


async def test_unbinding_the_secretariat_chat_ends_the_desk_for_who_signed_in_from_it(
        seeded: object, client: TestClient, desk_bot: Bot) -> None:
    token = desk_bot.store.create_web_login(user="line:Usec", name="王小明", chat="line:Csecretariat", actor="t")
    await client.post(f"/login/{token}")
    assert (await client.get("/", allow_redirects=False)).status == 200
    desk_bot.store.unbind(chat="line:Csecretariat", actor="cli", by_chat=None)
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_the_link_the_chat_gives_signs_its_asker_in(seeded: object, client: TestClient, desk_bot: Bot) -> None:
    from tests.web.conftest import Desk

    assert isinstance(seeded, Desk)
    answer = "\n".join(o.text for o in await seeded.secretariat.send("網頁"))
    path = answer[answer.index("/login/"):].split()[0]
    await client.post(path)
    home = await client.get("/", allow_redirects=False)
    assert home.status == 200 and "秘書處 王小明" in await home.text()
