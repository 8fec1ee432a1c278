"""The web desk's item page shows each reply's 佐證: a thumbnail for a photo, a link for a document,
both through signed /files links on the desk's own host."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from handlers.evidence import received
from tests.web.conftest import Desk, sign_in

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 3000
PDF = b"%PDF-1.7\n" + b"0" * 3000


async def test_the_item_page_shows_a_replys_photo_and_document(seeded: Desk, client: TestClient) -> None:  # type: ignore[type-arg]
    education, bot = seeded.education, seeded.bot
    ctx = bot.context(actor=bot.actor_for(education.message("")))
    for n, (name, content) in enumerate((("照片_1", JPEG), ("函文.pdf", PDF))):
        answers = await received(education.message("#1", message_id=f"m{n}"), name, content, ctx)
        assert answers[0].text.startswith("已記錄 #1 ")
    await sign_in(client, bot)
    html = await (await client.get("/items/1")).text()

    assert '<img src="/files/' in html and ">照片_1.jpg</a>" in html and ">函文.pdf</a>" in html
    link = html.split('<img src="')[1].split('"')[0]
    response = await client.get(link)
    assert response.status == 200 and await response.read() == JPEG
    assert response.headers["Content-Type"] == "image/jpeg"


async def test_the_report_page_downloads_the_meetings_evidence_as_a_zip(
        seeded: Desk, client: TestClient) -> None:  # type: ignore[type-arg]
    import io
    import zipfile

    education, bot = seeded.education, seeded.bot
    await sign_in(client, bot)
    assert (await client.get("/report/evidence")).status == 404  # nothing sent yet: said, not an empty zip
    ctx = bot.context(actor=bot.actor_for(education.message("")))
    await received(education.message("#1", message_id="m1"), "函文.pdf", PDF, ctx)
    assert 'href="/report/evidence' in await (await client.get("/report")).text()

    response = await client.get("/report/evidence")
    assert response.status == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(await response.read())) as z:
        assert [n for n in z.namelist() if n.endswith("函文.pdf")] and "索引.csv" in z.namelist()
