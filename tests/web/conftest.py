"""A body with items in every 燈號, set up through the chat, and a browser-less client signed in to the desk."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.core import Bot
from tests.conftest import Clock, bind_agency, make_bot
from tests.driver import Chat

BODY = "強化社會安全網中央跨部會平台"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@dataclass
class Desk:
    bot: Bot
    secretariat: Chat
    education: Chat
    health: Chat


def seed(bot: Bot) -> Desk:
    """Monday 115/11/23; next meeting 115/12/2, so replies are due 115/11/25 (2 office days away).

    #1 教育部 replied (綠); #2 衛生福利部 silent (黃); #3 教育部 silent, its own due date passed (紅);
    #4 衛生福利部 asked to release (藍); #5 released at a meeting (灰); #6 內政部, no chat (unbound).
    """
    secretariat = Chat(bot, "line:Csecretariat", user="Usec", name="王小明")
    code = bot.store.create_bind_code(agency="秘書處", actor="cli", chat=None)
    secretariat.run(f"綁定 {code}")
    secretariat.run(f"會議 新增 {BODY}")
    secretariat.run("新增 請教育部提出學生輔導轉介流程 主辦：教育部")
    secretariat.run("新增 請衛福部盤點高風險家庭訪視人力 主辦：衛生福利部 協辦：教育部")
    secretariat.run("新增 請教育部函頒校園通報指引 主辦：教育部 期限：115/11/20")
    secretariat.run("新增 請衛福部建置個案管理系統 主辦：衛生福利部")
    secretariat.run("新增 請衛福部辦理社工人員教育訓練 主辦：衛生福利部")
    secretariat.run("新增 請內政部協助警政通報 主辦：內政部")
    secretariat.run("下次會議 115/12/2")
    education = bind_agency(secretariat, "教育部", "line:Cedu")
    health = bind_agency(secretariat, "衛生福利部", "line:Cmohw", name="陳小姐")
    assert "已記錄" in education.run("#1 已於11月20日函送轉介流程草案")
    assert "已送秘書處" in health.run("建議解除 4 系統已上線")
    assert "解除列管" in secretariat.run("解除列管 5")
    return Desk(bot, secretariat, education, health)


@pytest.fixture
def desk_bot(sqlite_url: str, clock: Clock) -> Iterator[Bot]:
    made = make_bot(sqlite_url, clock)
    yield made
    made.store.engine.dispose()


@pytest.fixture
def seeded(desk_bot: Bot) -> Desk:
    return seed(desk_bot)


@pytest.fixture
async def client(desk_bot: Bot) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    async with TestClient(TestServer(create_app(desk_bot))) as made:
        yield made


async def sign_in(client: TestClient, bot: Bot) -> str:  # type: ignore[type-arg]
    """Sign in the way a person does (open the link, press 登入); the page's CSRF token."""
    token = bot.store.create_web_login(user="line:Usec", name="王小明", chat=None, actor="test")
    opened = await client.get(f"/login/{token}")
    assert opened.status == 200 and "登入" in await opened.text()
    pressed = await client.post(f"/login/{token}", allow_redirects=False)
    assert pressed.status == 303
    home = await client.get("/")
    assert home.status == 200
    found = CSRF.search(await home.text())
    assert found is not None
    return found.group(1)


@pytest.fixture
async def signed_in(client: TestClient, desk_bot: Bot) -> str:  # type: ignore[type-arg]
    return await sign_in(client, desk_bot)
