"""The desk in a real Chromium (Debian's /usr/bin/chromium driven by Playwright) against the real app on
loopback: sign in from a `lieguan web-login` link, import minutes unticking one point, see the 燈號,
set a 辦理情形 on an item, download the report and read it back from the .docx.

Screenshots go to the test's folder, and also to $LIEGUAN_SCREENSHOTS when set (docs/screenshots/
holds one of each, made with LIEGUAN_SCREENSHOTS=docs/screenshots).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from aiohttp.test_utils import TestServer

from bot.app import create_app
from bot.core import Bot
from bot.web.links import sign_in_url
from config.settings import Settings
from tests.driver import Chat
from tests.web.test_import import SEED

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def keep(shot: Path) -> None:
    wanted = os.environ.get("LIEGUAN_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(wanted) / shot.name)


async def say(chat: Chat, text: str) -> str:
    return "\n".join(o.text for o in await chat.send(text))


async def test_a_secretariat_imports_follows_the_lights_edits_and_downloads_the_report(
        desk_bot: Bot, tmp_path: Path) -> None:
    from docx import Document
    from playwright.async_api import async_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: make test installs it"
    server = TestServer(create_app(desk_bot), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    token = desk_bot.store.create_web_login(user="cli:secretary", name=None, chat=None, actor="cli:secretary")
    link = sign_in_url(Settings(public_url=base), token)  # what `lieguan web-login` prints
    try:
        async with async_playwright() as pw:
            context = await pw.chromium.launch_persistent_context(
                str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True,
                viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-TW")
            page = context.pages[0] if context.pages else await context.new_page()
            await page.goto(link)
            await page.get_by_role("button", name="登入").click()
            await page.wait_for_url(base + "/")
            assert "還沒有任何會議" in await page.content()

            # 匯入: upload, untick the last point, answer the conflict, 確認匯入
            await page.get_by_role("link", name="匯入").click()
            await page.set_input_files('input[name="file"]', str(SEED))
            await page.get_by_role("button", name="讀取並檢查").click()
            await page.wait_for_url(base + "/import/review")
            await page.screenshot(path=str(tmp_path / "import.png"))
            keep(tmp_path / "import.png")
            ticks = page.locator('input[name="tick"]:checked')
            count = await ticks.count()
            last = ticks.nth(count - 1)
            unticked = await page.locator(f'textarea[name="text-{await last.get_attribute("value")}"]').input_value()
            await last.uncheck()
            await page.check('input[name="answer-3"][value="keep"]')
            await page.get_by_role("button", name="確認匯入").click()
            await page.wait_for_url(base + "/?*")
            assert "已匯入第5次會議紀錄" in await page.content()
            texts = {i.text for i in desk_bot.store.items(status="all")}
            assert unticked not in texts and len(texts) >= count - 1

            # the week goes on in the chats: a meeting date, the ministry's group, one reply
            secretariat = Chat(desk_bot, "line:Csec", user="Usec", name="王小明")
            await say(secretariat, f"綁定 {desk_bot.store.create_bind_code(agency='秘書處', actor='cli', chat=None)}")
            await say(secretariat, "下次會議 115/12/2")
            answer = await say(secretariat, "綁定碼 衛生福利部")
            health = Chat(desk_bot, "line:Cmohw", user="Umohw", name="陳小姐")
            assert "已綁定" in await say(health, f"綁定 {answer.split('「綁定 ')[1].split('」')[0]}")
            assert "已記錄" in await say(health, "#1 已完成高風險孕產婦試辦計畫期中檢討")
            assert "已送秘書處" in await say(health, "建議解除 3 脆弱家庭服務方案已全面推動")
            assert "期限" in await say(secretariat, "期限 9 115/11/20")

            await page.goto(base + "/")
            green = page.locator('td.l-green a[href="/items/1#r-衛生福利部"]')
            assert await green.count() == 1
            assert await page.locator("td.l-yellow").count() > 0  # the deadline 115/11/25 is 2 office days away
            assert await page.locator('td.l-blue a[href="/items/3#r-衛生福利部"]').count() == 1
            assert await page.locator('td.l-red a[href="/items/9#r-衛生福利部"]').count() == 1  # due 115/11/20
            await page.screenshot(path=str(tmp_path / "overview.png"))
            keep(tmp_path / "overview.png")

            # open the item from its cell, set the 辦理情形 the report prints
            await green.click()
            await page.wait_for_url(base + "/items/1#r-衛生福利部")
            block = page.locator('div[id="r-衛生福利部"]')
            await block.locator('textarea[name="text"]').fill("衛福部已完成試辦計畫期中檢討，115年12月提出成效報告。")
            await block.get_by_role("button", name="設定辦理情形").click()
            assert "已更新報告將印出的辦理情形" in await page.content()

            # 報告: preview and the .docx
            await page.get_by_role("link", name="報告").click()
            await page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
            keep(tmp_path / "report.png")
            assert "衛福部已完成試辦計畫期中檢討" in await page.content()
            async with page.expect_download() as waiting:
                await page.get_by_role("link", name="docx", exact=True).click()
            download = await waiting.value
            saved = tmp_path / "report.docx"
            await download.save_as(saved)
            cells = [c.text for t in Document(str(saved)).tables for row in t.rows for c in row.cells]
            assert any("衛福部已完成試辦計畫期中檢討，115年12月提出成效報告。" in c for c in cells)

            await page.set_viewport_size({"width": 390, "height": 844})  # a phone: the matrix becomes a list
            await page.goto(base + "/")
            assert await page.locator(".phone-list").is_visible()
            assert not await page.locator(".matrix").is_visible()
            await page.screenshot(path=str(tmp_path / "overview-phone.png"))
            await context.close()
    finally:
        await server.close()
