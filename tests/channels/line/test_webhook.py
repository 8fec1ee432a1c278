"""POST /webhooks/line: signature first, recorded before the 200, each event handled once."""

from __future__ import annotations

import asyncio
import json

from bot.channels.line.webhook import event_key
from storage.base import process_name
from storage.store import Store
from tests.channels.line.conftest import SECRET, Group, Line, add_items
from tests.fakes.line_api import FakeLineApi, sign


def another_process(line: Line) -> Store:
    """The same database as another process sees it (a replica, or this one before a kill -9)."""
    return Store(line.bot.store.engine, clock=line.bot.store.clock)


async def test_a_forged_signature_is_400_and_nothing_is_processed(line: Line) -> None:
    group = line.group("某群組")
    event = line.text_event(group, "說明")
    body = FakeLineApi.webhook_body(event)
    forged = await line.post(body=body, signature=sign(body, "not-the-channel-secret"))
    missing = await line.post(body=body, signature="")
    assert (forged.status, missing.status) == (400, 400)
    await line.settle()
    assert line.bot.store.event_status(key=event_key(event)) is None
    assert not line.api.delivered


async def test_a_signed_body_that_is_not_json_is_400(line: Line) -> None:
    response = await line.post(body=b"{not json")
    assert response.status == 400


async def test_lines_verify_request_with_no_events_is_200(line: Line) -> None:
    response = await line.post(body=json.dumps({"destination": "U" + "0" * 32, "events": []}).encode())
    assert response.status == 200
    assert (await line.post(body=b"[1, 2]")).status == 200  # JSON, but nothing we can read: ignored


async def test_an_event_is_recorded_before_the_200(line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "說明")
    response = await line.post(event)
    assert response.status == 200
    assert line.bot.store.event_status(key=event_key(event)) in ("received", "done")
    await line.settle()
    assert line.bot.store.event_status(key=event_key(event)) == "done"


async def test_a_redelivered_event_is_handled_once(line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "說明")
    first = await line.send(event)
    redelivery = dict(event, deliveryContext={"isRedelivery": True})
    again = await line.send(redelivery)
    assert len(first) == 1 and again == []


async def test_old_events_without_an_id_are_known_by_their_content(line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "說明")
    del event["webhookEventId"], event["deliveryContext"]
    assert len(await line.send(event)) == 1
    assert await line.send(dict(event, replyToken=line.api.issue_reply_token(secretariat.chat_id))) == []
    assert event_key(event).startswith("line:sha256:")


async def test_unknown_event_types_are_acknowledged_and_ignored(line: Line, secretariat: Group) -> None:
    odd = [line.event(secretariat, "greatNewFeature", greatNewFeature={"x": 1}),
           line.event(secretariat, "message", message={"id": "1", "type": "hologram"}),
           line.event(secretariat, "beacon", beacon={"hwid": "d41d8cd98f", "type": "enter"}),
           {"type": "message", "source": {"type": "satellite"}, "timestamp": 1},
           "not even an object"]
    response = await line.post(body=FakeLineApi.webhook_body(*odd))  # type: ignore[arg-type]
    assert response.status == 200
    await line.settle()
    assert line.new() == []
    assert all(line.bot.store.event_status(key=event_key(e)) == "done" for e in odd if isinstance(e, dict))


async def test_events_left_unhandled_by_a_crash_are_handled_at_the_next_start(
        line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "說明")
    another_process(line).record_events(events=[(event_key(event), event)])  # recorded, then it died
    line.clock.advance(minutes=2)
    await line.channel.start()
    await line.settle()
    delivered = line.new()
    assert [m.kind for m in delivered] == ["push"]  # its reply token is long gone
    assert "秘書處可用的指令" in (delivered[0].text or "")
    assert line.bot.store.event_status(key=event_key(event)) == "done"


async def test_the_webhook_is_404_when_line_is_not_configured(bot: object) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app import create_app

    async with TestClient(TestServer(create_app(bot))) as client:  # type: ignore[arg-type]
        body = FakeLineApi.webhook_body()
        response = await client.post("/webhooks/line", data=body, headers={"X-Line-Signature": sign(body, SECRET)})
        assert response.status == 404


async def test_an_event_handled_again_after_a_crash_stores_and_answers_once(
        line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    event = line.text_event(moe, "#1 已召開研商會議")
    assert "已記錄 #1" in (await line.send(event))[0].text  # type: ignore[operator]
    # the process died after storing the reply and answering, before marking the event done
    line.bot.store.finish_events(keys=[event_key(event)], status="received")
    line.bot.store.owner = process_name() + "-restarted"  # a restarted process has a name of its own
    line.clock.advance(minutes=2)
    await line.channel.start()
    await line.settle()
    assert line.new() == []  # the answer's idempotency key: not sent twice
    assert [r.text for r in line.bot.store.find_case(ref="1")[0].replies] == ["已召開研商會議"]
    assert line.bot.store.event_status(key=event_key(event)) == "done"


async def test_events_of_a_process_killed_a_moment_ago_are_handled_at_once_on_restart(
        line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "說明")
    # recorded and answered 200 by a process that was then killed (its lease, if any, lapsed)
    another_process(line).record_events(events=[(event_key(event), event)])
    line.clock.advance(seconds=3)  # restarted within seconds
    await line.channel.start()
    await line.settle()
    assert line.bot.store.event_status(key=event_key(event)) == "done"
    delivered = line.new()  # its reply token still good: answered by reply, free of LINE's push quota
    assert [m.kind for m in delivered] == ["reply"]
    assert "秘書處可用的指令" in (delivered[0].text or "")


async def test_a_replica_leaves_a_live_replicas_events_alone_and_takes_them_up_when_its_lease_ends(
        line: Line, secretariat: Group) -> None:
    replica = another_process(line)
    replica.keep_alive()  # alive: renewing its lease
    event = line.text_event(secretariat, "說明")
    replica.record_events(events=[(event_key(event), event)])
    await line.channel.start()
    await line.settle()
    if line.bot.store.engine.dialect.name == "sqlite":  # one process per SQLite database: no replica
        assert line.bot.store.event_status(key=event_key(event)) == "done"
        return
    assert line.bot.store.event_status(key=event_key(event)) == "received"  # the replica is handling it
    assert line.new() == []
    replica.drop_lease()  # the replica stopped (or its lease lapsed: killed)
    for _ in range(50):  # taken up at the next look, a second later
        await asyncio.sleep(0.1)
        await line.settle()
        if line.bot.store.event_status(key=event_key(event)) == "done":
            break
    assert line.bot.store.event_status(key=event_key(event)) == "done"
    assert "秘書處可用的指令" in "\n".join(m.text or "" for m in line.new())




async def test_replies_that_arrive_together_are_stored_and_queued_in_one_commit_before_the_200(
        line: Line, secretariat: Group) -> None:
    from sqlalchemy import event as sa_event

    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    await line.settle()
    line.new()
    events = [line.text_event(moe, f"#1 第{n}次進度：已召開研商會議") for n in range(1, 11)]
    commits: list[int] = []

    def count(conn: object) -> None:
        commits.append(1)

    sa_event.listen(line.bot.store.engine, "commit", count)
    try:
        response = await line.post(*events)
    finally:
        sa_event.remove(line.bot.store.engine, "commit", count)
    assert response.status == 200
    assert len(commits) == 1  # the events, ten replies and their audit rows, ten leased answers
    # before the 200, and without waiting for any worker: already stored, already done
    assert len(line.bot.store.find_case(ref="1")[0].replies) == 10
    assert {line.bot.store.event_status(key=event_key(e)) for e in events} == {"done"}
    await line.settle()
    answers = [m for m in line.new() if m.to == moe.chat_id]
    assert [m.kind for m in answers] == ["reply"] * 10  # each by its own reply token, in order
    assert all("已記錄 #1" in (m.text or "") for m in answers)


async def test_an_event_that_cannot_be_answered_at_once_keeps_its_chat_in_order(
        line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    await line.settle()
    line.new()
    stranger = Group(moe.chat_id, "U" + "f" * 32, "陳先生")  # LINE must be asked for this name first
    line.api.add_user(stranger.user, stranger.name)
    line.api.group_member_ids[moe.chat_id].add(stranger.user)
    first = line.text_event(stranger, "#1 已函請各校辦理")
    second = line.text_event(moe, "#1 已完成轉介流程草案")
    response = await line.post(first, second)
    assert response.status == 200
    await line.settle()
    replies = line.bot.store.find_case(ref="1")[0].replies
    assert [r.text for r in replies] == ["已函請各校辦理", "已完成轉介流程草案"]
    assert replies[0].author_name == "陳先生"
