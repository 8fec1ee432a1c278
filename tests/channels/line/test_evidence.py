"""佐證 on LINE: photos and files an agency's contacts send are fetched (a recorded job), checked by
content, kept once, attached to the right reply or item, and said so; through signed webhooks and
our LINE client against FakeLineApi."""

from __future__ import annotations

import asyncio

from bot.app import build_runtime
from bot.evidence.jobs import FetchRunner
from tests.channels.line.conftest import Group, Line, add_items, reminder
from tests.fakes.line_api import LineMessage

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + b"0" * 2000
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000


def fetcher(line: Line) -> FetchRunner:
    assert line.runtime.fetcher is not None
    return line.runtime.fetcher


async def fetched(line: Line) -> list[LineMessage]:
    """Events handled, due files fetched, answers delivered: what LINE delivered meanwhile."""
    await line.channel.idle()
    await fetcher(line).flush()
    await line.runtime.outbox.flush()
    return line.new()


async def post(line: Line, event: dict) -> None:
    response = await line.post(event)
    assert response.status == 200


async def moe_group(line: Line, secretariat: Group) -> Group:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    return moe


def texts(delivered: list[LineMessage]) -> str:
    return "\n".join(m.text or "" for m in delivered)


async def test_a_photo_right_after_a_reply_goes_with_that_reply(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    assert "已記錄 #1" in await line.say(moe, "#1 轉介流程草案已完成")
    line.clock.advance(minutes=3)
    await post(line, line.stamp(line.api.media_event("image", JPEG, user_id=moe.user, group_id=moe.chat_id)))
    answer = texts(await fetched(line))

    assert answer.startswith("已記錄 #1 佐證「照片_20261123_") and ".jpg」" in answer
    [item] = line.bot.store.find_case(ref="1")
    [file] = line.bot.store.evidence_of(item_ids=[item.id])
    reply = item.latest_reply()
    assert reply is not None and file.reply_id == reply.id and reply.text == "轉介流程草案已完成"
    assert file.mime == "image/jpeg" and file.size == len(JPEG) and file.author_name == "李先生"


async def test_a_file_quoting_the_reminder_lands_on_its_item_as_a_new_reply(
        line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    mohw = line.group("保護司聯絡群")
    await line.bind(mohw, "衛生福利部保護服務司", secretariat)
    text, _flex = await line.push(reminder(line, mohw, "衛生福利部保護服務司"), key="round:1:mohw")
    event = line.api.file_event("檢討報告.pdf", PDF, user_id=mohw.user, group_id=mohw.chat_id)
    event["message"]["quotedMessageId"] = text.id
    await post(line, line.stamp(event))

    assert texts(await fetched(line)).startswith("已記錄 #3 佐證「檢討報告.pdf」（115/11/23，衛生福利部保護服務司 李先生）")
    [item] = line.bot.store.find_case(ref="3")
    [file] = line.bot.store.evidence_of(item_ids=[item.id])
    reply = item.latest_reply()
    assert reply is not None and file.reply_id == reply.id and reply.text == ""


async def test_a_file_that_says_no_item_is_asked_about_with_buttons_never_guessed(
        line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await post(line, line.stamp(line.api.file_event("人力統計.pdf", PDF, user_id=moe.user, group_id=moe.chat_id)))
    [asked] = await fetched(line)

    assert (asked.text or "").startswith("收到「人力統計.pdf」。這是哪一案的佐證？")
    choices = asked.body["quickReply"]["items"]
    assert [c["action"]["label"] for c in choices] == ["#1", "#2"]
    items = [i.id for i in line.bot.store.items()]
    assert line.bot.store.evidence_of(item_ids=items) == []  # kept, but on no item until answered
    answer = await line.send(line.event(moe, "postback", postback={"data": choices[1]["action"]["data"]}))
    assert (answer[0].text or "").startswith("已記錄 #2 佐證「人力統計.pdf」")
    [file] = line.bot.store.evidence_of(item_ids=items)
    assert file.item_id == line.bot.store.find_case(ref="2")[0].id


async def test_an_exe_renamed_pdf_is_refused_and_nothing_is_kept(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    await post(line, line.stamp(line.api.file_event("公文.pdf", EXE, user_id=moe.user, group_id=moe.chat_id)))

    assert texts(await fetched(line)).startswith("這種檔案無法作為佐證，請改傳 PDF 或圖片")
    assert line.bot.store.evidence_of(item_ids=[i.id for i in line.bot.store.items()]) == []


async def test_a_25_mb_file_is_refused_without_downloading_it(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    big = b"%PDF-1.7\n" + b"0" * (25 * 1024 * 1024)
    await post(line, line.stamp(line.api.file_event("掃描檔.pdf", big, user_id=moe.user, group_id=moe.chat_id)))

    assert "超過佐證檔案 20 MB 的上限" in texts(await fetched(line))
    assert not [c for c in line.api.calls if c.path.endswith("/content")]


async def test_a_video_is_refused_politely(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await post(line, line.stamp(line.api.media_event("video", b"\x00\x00\x00\x18ftypmp42", user_id=moe.user,
                                                     group_id=moe.chat_id)))
    assert texts(await fetched(line)).startswith("這種檔案無法作為佐證")


async def test_content_expired_at_line_asks_the_contact_to_send_again(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    event = line.stamp(line.api.media_event("image", JPEG, user_id=moe.user, group_id=moe.chat_id))
    line.api.expire_content(event["message"]["id"])
    await post(line, event)

    assert "已經過期或無法取得，沒有保存。請再傳一次" in texts(await fetched(line))
    job = line.bot.store.fetch_job(key=f"{moe.key}:{event['message']['id']}")
    assert job is not None and job.status == "failed"


async def test_a_5xx_from_line_is_tried_again_and_the_file_kept(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#2 已補足輔導人力")
    line.api.fail_next(500, 2, endpoint="/v2/bot/message/5")
    await post(line, line.stamp(line.api.file_event("名冊.pdf", PDF, user_id=moe.user, group_id=moe.chat_id)))
    assert await fetched(line) == []  # waiting for the retry
    for _ in range(2):
        line.clock.advance(seconds=5)
        answer = texts(await fetched(line))
    assert answer.startswith("已記錄 #2 佐證「名冊.pdf」")


async def test_a_download_too_slow_is_tried_again(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#2 已補足輔導人力")
    fetcher(line).timeout = 0.2
    line.api.content_delay = 1.0
    await post(line, line.stamp(line.api.file_event("名冊.pdf", PDF, user_id=moe.user, group_id=moe.chat_id)))
    assert await fetched(line) == []
    line.api.content_delay = 0.0
    line.clock.advance(seconds=2)
    assert texts(await fetched(line)).startswith("已記錄 #2 佐證「名冊.pdf」")


async def test_content_provided_by_an_external_url_is_fetched_from_it(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    event = line.api.media_event("image", JPEG, user_id=moe.user, group_id=moe.chat_id, external=True)
    await post(line, line.stamp(event))
    assert "佐證「照片_" in texts(await fetched(line))
    assert [c.path for c in line.api.calls if c.path.startswith("/external/")] == [f"/external/{event['message']['id']}"]


async def test_a_crash_between_the_acknowledgement_and_the_download_stores_the_file_once(
        line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    event = line.stamp(line.api.file_event("函文.pdf", PDF, user_id=moe.user, group_id=moe.chat_id))
    await post(line, event)  # LINE got its 200: the job is recorded
    await line.channel.idle()
    line.api.content_delay = 5.0
    first = fetcher(line)
    first.timeout = 30.0
    first.start()
    while not [c for c in line.api.calls if c.path.endswith("/content")]:
        await asyncio.sleep(0.01)  # until the download has begun
    await first.stop()  # the process dies mid-download
    line.api.content_delay = 0.0

    again = build_runtime(line.bot)  # a new process on the same database
    assert again.fetcher is not None
    await again.fetcher.flush()
    assert line.bot.store.evidence_of(item_ids=[i.id for i in line.bot.store.items()]) == []  # still leased
    line.clock.advance(minutes=3)
    await again.fetcher.flush()
    await again.outbox.flush()
    assert await line.post(event) is not None  # LINE redelivers the event: a known job
    await line.channel.idle()
    await again.fetcher.flush()
    await again.outbox.flush()
    for channel in again.channels:
        await channel.stop()  # type: ignore[attr-defined]

    [item] = line.bot.store.find_case(ref="1")
    assert [f.name for f in line.bot.store.evidence_of(item_ids=[item.id])] == ["函文.pdf"]
    assert sum("佐證「函文.pdf」" in (m.text or "") for m in line.api.delivered) == 1


async def test_the_secretariat_downloads_a_file_through_a_signed_link(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    await post(line, line.stamp(line.api.file_event("函文.pdf", PDF, user_id=moe.user, group_id=moe.chat_id)))
    await fetched(line)

    answer = await line.say(secretariat, "案 1")
    assert "佐證：" in answer and "函文.pdf" in answer
    link = next(w for w in answer.split() if "/files/" in w)
    response = await line.client.get(link[link.index("/files/"):])
    assert response.status == 200 and await response.read() == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    line.clock.advance(days=8)
    assert (await line.client.get(link[link.index("/files/"):])).status == 404


async def test_withdrawing_a_file_keeps_it_out_of_the_listing(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    await post(line, line.stamp(line.api.file_event("函文.pdf", PDF, user_id=moe.user, group_id=moe.chat_id)))
    await fetched(line)

    assert (await line.say(moe, "撤回 #1 附件")).startswith("已撤回 #1 的佐證「函文.pdf」")
    [item] = line.bot.store.find_case(ref="1")
    assert line.bot.store.evidence_of(item_ids=[item.id]) == []
    assert line.bot.store.find_case(ref="1")[0].latest_reply() is not None  # the reply itself stands


async def secretariat_download(line: Line, secretariat: Group, command: str) -> bytes:
    answer = await line.say(secretariat, command)
    link = next(w for w in answer.split() if "/files/" in w)
    response = await line.client.get(link[link.index("/files/"):])
    assert response.status == 200
    return await response.read()


async def moe_with_evidence(line: Line, secretariat: Group) -> Group:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    for event in (line.api.file_event("函文.pdf", PDF, user_id=moe.user, group_id=moe.chat_id),
                  line.api.media_event("image", JPEG, user_id=moe.user, group_id=moe.chat_id)):
        await post(line, line.stamp(event))
        await fetched(line)
    return moe


async def test_the_report_lists_each_agencys_evidence(line: Line, secretariat: Group) -> None:
    await moe_with_evidence(line, secretariat)
    report = (await secretariat_download(line, secretariat, "報告 md")).decode()
    assert "轉介流程草案已完成" in report and "附件：[函文.pdf](https://lieguan.example.tw/files/" in report
    assert "、[照片 1 張](https://lieguan.example.tw/files/" in report
    page = (await secretariat_download(line, secretariat, "報告 html")).decode()
    link = page.split('<a href="')[1].split('"')[0]
    assert page.count("<a href=") == 2 and ">函文.pdf</a>" in page
    response = await line.client.get(link[link.index("/files/"):])
    assert await response.read() == PDF  # the report's link serves the file
    line.clock.advance(days=30)
    assert (await line.client.get(link[link.index("/files/"):])).status == 200  # still, after the meeting
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(await secretariat_download(line, secretariat, "報告 xlsx")))
    sheet = book["附件"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[:3] for r in rows] == [["1", "教育部", "函文.pdf"], ["1", "教育部", "照片 1 張"]]
    assert sheet.cell(row=2, column=4).hyperlink.target.startswith("https://lieguan.example.tw/files/")


async def test_items_json_gives_each_replys_files(line: Line, secretariat: Group) -> None:
    from bot.cli import item_json

    await moe_with_evidence(line, secretariat)
    [item] = line.bot.store.find_case(ref="1")
    [reply] = item_json(item, line.bot.settings)["replies"]
    assert [(f["name"], f["type"], f["size"]) for f in reply["files"]] == [
        ("函文.pdf", "application/pdf", len(PDF)), (reply["files"][1]["name"], "image/jpeg", len(JPEG))]


async def test_the_meetings_evidence_comes_as_a_zip_with_folders_and_an_index(
        line: Line, secretariat: Group) -> None:
    import io
    import zipfile

    await moe_with_evidence(line, secretariat)
    data = await secretariat_download(line, secretariat, "報告 附件")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert names[0] == "索引.csv" and "函文.pdf" in z.read("索引.csv").decode("utf-8-sig")
        pdf = next(n for n in names if n.endswith("函文.pdf"))
        assert pdf.startswith("#1 ") and "/教育部/" in pdf and z.read(pdf) == PDF
        assert len(names) == 3


async def test_usage_shows_the_evidence_space_each_body_uses(line: Line, secretariat: Group) -> None:
    await moe_with_evidence(line, secretariat)
    answer = await line.say(secretariat, "用量")
    assert "佐證檔案空間（每個會議上限 2,048 MB）" in answer and "強化社會安全網中央跨部會平台：已用" in answer


async def test_a_file_past_the_bodys_quota_is_refused(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    line.bot.settings = line.bot.settings.model_copy(update={"evidence_quota_mb": 0})
    await line.say(moe, "#1 轉介流程草案已完成")
    await post(line, line.stamp(line.api.file_event("函文.pdf", PDF, user_id=moe.user, group_id=moe.chat_id)))
    assert "佐證空間已用" in texts(await fetched(line))
    assert line.bot.store.evidence_of(item_ids=[i.id for i in line.bot.store.items()]) == []


async def test_unsending_the_file_message_withdraws_the_file(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    event = line.stamp(line.api.file_event("函文.pdf", PDF, user_id=moe.user, group_id=moe.chat_id))
    await post(line, event)
    await fetched(line)
    await line.send(line.event(moe, "unsend", unsend={"messageId": event["message"]["id"]}))

    [item] = line.bot.store.find_case(ref="1")
    assert line.bot.store.evidence_of(item_ids=[item.id]) == []
    assert [f.withdrawn for f in line.bot.store.evidence_of(item_ids=[item.id], withdrawn=True)] == [True]


async def test_a_made_up_evidence_button_changes_nothing(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    for data in ("佐證 99999999999999999999 #1", "佐證 1 #1", "佐證 abc"):
        answer = await line.send(line.event(moe, "postback", postback={"data": data}))
        assert answer[0].text == "找不到這個檔案，請再傳一次。"


async def test_a_photo_more_than_ten_minutes_after_a_reply_is_asked_about(line: Line, secretariat: Group) -> None:
    moe = await moe_group(line, secretariat)
    await line.say(moe, "#1 轉介流程草案已完成")
    line.clock.advance(minutes=11)
    await post(line, line.stamp(line.api.media_event("image", JPEG, user_id=moe.user, group_id=moe.chat_id)))
    assert "這是哪一案的佐證？" in texts(await fetched(line))
