"""匯入 on the desk: upload, review beside the minutes, untick, answer the conflict, 確認匯入."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.core import Bot
from tests.web.conftest import sign_in

SEED = Path(__file__).parents[1] / "data" / "minutes" / "000_663eb93f7475aed5.txt"


def minutes_upload(csrf: str, content: bytes, name: str = "第5次會議紀錄.txt") -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", content, filename=name, content_type="text/plain")
    return form


async def test_the_upload_form_has_a_file_input(client: TestClient, desk_bot: Bot) -> None:
    await sign_in(client, desk_bot)
    html = await (await client.get("/import")).text()
    assert '<input type="file" name="file"' in html


async def test_an_upload_is_reviewed_beside_the_minutes_and_saves_only_what_is_ticked(
        client: TestClient, desk_bot: Bot) -> None:
    csrf = await sign_in(client, desk_bot)
    read = await client.post("/import", data=minutes_upload(csrf, SEED.read_bytes()), allow_redirects=False)
    assert read.status == 303 and read.headers["Location"] == "/import/review"
    html = await (await client.get("/import/review")).text()
    assert "確認匯入" in html and 'id="src-1"' in html and 'id="entry-1"' in html
    ticked = re.findall(r'name="tick" value="(\d+)" checked', html)
    assert len(ticked) >= 10  # the likely points come ticked
    fields = dict(re.findall(r'name="((?:text|leads|assists|due)-\d+)"[^>]*value="([^"]*)"', html))
    texts = dict(re.findall(r'<textarea name="(text-\d+)" rows="3">([^<]*)</textarea>', html))
    form = {"csrf": csrf, **{k: unescape(v) for k, v in {**fields, **texts}.items()}}
    conflicts = sorted(set(re.findall(r'name="answer-([\w-]+)" value="keep"', html)))
    assert conflicts == ["3"]  # the minutes release #3 and give it work again
    keep = ticked[:-1]  # untick the last point
    posted = FormData([*form.items(), *(("tick", n) for n in keep)])
    blocked = await client.post("/import/confirm", data=posted)
    assert blocked.status == 400 and "還不能存檔" in await blocked.text()
    assert f'name="tick" value="{ticked[-1]}" checked' not in await blocked.text()  # the choices stay
    posted = FormData([*form.items(), *(("tick", n) for n in keep), ("answer-3", "keep")])
    saved = await client.post("/import/confirm", data=posted, allow_redirects=False)
    assert saved.status == 303 and "imported=5" in saved.headers["Location"]
    landed = await (await client.get(saved.headers["Location"])).text()
    assert "已匯入第5次會議紀錄" in landed and '<th class="new">' in landed
    body = desk_bot.store.find_body(name="強化社會安全網中央跨部會平台")
    assert body is not None
    stored = {i.text for i in desk_bot.store.items(body_id=body.id, status="all")}
    assert {form[f"text-{n}"] for n in keep} <= stored
    assert form[f"text-{ticked[-1]}"] not in stored  # the unticked point was not saved
    assert (await client.get("/import", allow_redirects=False)).status == 200  # nothing pending any more


async def test_an_edited_point_is_saved_as_edited(client: TestClient, desk_bot: Bot) -> None:
    csrf = await sign_in(client, desk_bot)
    await client.post("/import", data=minutes_upload(csrf, SEED.read_bytes()))
    form = FormData([("csrf", csrf), ("tick", "1"), ("text-1", "請衛福部提出高風險孕產婦試辦計畫成效報告。"),
                     ("leads-1", "教育部"), ("assists-1", ""), ("due-1", "115/12/31")])
    saved = await client.post("/import/confirm", data=form)
    assert saved.status == 200 and "已匯入" in await saved.text()
    body = desk_bot.store.find_body(name="強化社會安全網中央跨部會平台")
    assert body is not None
    new = [i for i in desk_bot.store.items(body_id=body.id, status="all")
           if i.text == "請衛福部提出高風險孕產婦試辦計畫成效報告。"]
    assert len(new) == 1
    assert new[0].agencies == (("教育部", "lead"),) and str(new[0].due_date) == "2026-12-31"


async def test_pasted_minutes_and_cancel_store_nothing(client: TestClient, desk_bot: Bot) -> None:
    csrf = await sign_in(client, desk_bot)
    read = await client.post("/import", data={"csrf": csrf, "text": SEED.read_text()}, allow_redirects=False)
    assert read.status == 303
    cancelled = await client.post("/import/cancel", data={"csrf": csrf})
    assert "沒有存檔" in await cancelled.text()
    assert desk_bot.store.bodies() == []


async def test_a_file_that_is_not_minutes_is_explained_and_nothing_is_kept(client: TestClient, desk_bot: Bot) -> None:
    csrf = await sign_in(client, desk_bot)
    empty = await client.post("/import", data=minutes_upload(csrf, b"", "../../etc/passwd.txt"))
    assert empty.status == 400 and "空的檔案" in await empty.text()
    nothing = await client.post("/import", data={"csrf": csrf, "text": "  "})
    assert nothing.status == 400 and "請選擇會議紀錄檔案" in await nothing.text()
    assert (await client.get("/import", allow_redirects=False)).status == 200


async def test_an_upload_over_20_mb_gets_a_413_page(client: TestClient, desk_bot: Bot) -> None:
    csrf = await sign_in(client, desk_bot)
    answer = await client.post("/import", data=minutes_upload(csrf, b"a" * (20 * 1024 * 1024 + 10)))
    assert answer.status == 413 and "20 MB" in await answer.text()
    assert desk_bot.store.bodies() == []


async def test_an_agency_not_in_the_directory_is_marked_and_can_be_added_in_place(
        client: TestClient, desk_bot: Bot) -> None:
    csrf = await sign_in(client, desk_bot)
    await client.post("/import", data=minutes_upload(csrf, SEED.read_bytes()))
    html = await (await client.get("/import/review")).text()
    marked = re.search(r'<div class="card entry[^"]*" id="entry-(\d+)">(?:(?!</div>).)*?「學生輔導諮商中心」不在機關名錄', html, re.S)
    assert marked is not None
    n = marked.group(1)
    form = FormData([("csrf", csrf), ("tick", n), ("add-agency", "學生輔導諮商中心")])
    saved = await client.post("/import/confirm", data=form)
    assert saved.status == 200
    assert desk_bot.directory.get("學生輔導諮商中心") is not None
    assert [e.name for e in desk_bot.store.agency_entries()] == ["學生輔導諮商中心"]
