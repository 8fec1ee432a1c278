"""A week with the bot in LINE groups, through signed webhooks and our LINE client against FakeLineApi."""

from __future__ import annotations

from pathlib import Path

from tests.channels.line.conftest import Group, Line, add_items, body_of, reminder
from tests.fakes.line_api import new_id

MINUTES = Path(__file__).parents[2] / "data" / "minutes" / "own"


async def test_the_bot_greets_a_group_it_joins_and_explains_binding(line: Line) -> None:
    group = line.group("教育部聯絡群")
    delivered = await line.send(line.event(group, "join"))
    assert [m.kind for m in delivered] == ["reply"]  # free: the join event's reply token
    assert "綁定 綁定碼" in (delivered[0].text or "")


async def test_a_contact_binds_the_group_with_a_code_from_the_secretariat(line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    answer = await line.say(secretariat, "綁定碼 教育部")
    code = answer.split("「綁定 ")[1].split("」")[0]
    answer = await line.say(moe, f"綁定 {code}")
    assert answer.startswith("已綁定：本群組為「教育部」聯絡群組。目前列管 2 案")
    assert line.bot.store.binding(chat=moe.key) == "教育部"
    assert not line.api.pushed()  # every answer so far went by reply token: no quota used


async def test_reply_quoting_reminder_lands_on_its_item(line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    mohw = line.group("保護司聯絡群")
    await line.bind(mohw, "衛生福利部保護服務司", secretariat)
    sent = await line.push(reminder(line, mohw, "衛生福利部保護服務司"), key="round:1:mohw")

    text, flex = sent
    assert text.kind == "push" and text.body["type"] == "text" and text.quote_token  # quotable
    assert flex.body["type"] == "flex" and "建議解除 3" in body_of(flex)
    answer = await line.say(mohw, "已完成檢討報告，將於下次會議提出", quoting=text.id)
    assert answer.startswith("已記錄 #3 辦理情形（115/11/23，衛生福利部保護服務司 李先生）")
    reply = line.bot.store.find_case(ref="3")[0].latest_reply()
    assert reply is not None and reply.text == "已完成檢討報告，將於下次會議提出"


async def test_quoting_a_reminder_of_several_items_asks_which_with_quick_replies(
        line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    text, _flex = await line.push(reminder(line, moe, "教育部"), key="round:1:moe")

    asked = await line.send(line.text_event(moe, "輔導人力已補足", quoting=text.id))
    assert "是哪一案" in (asked[0].text or "")
    choices = asked[0].body["quickReply"]["items"]
    assert [c["action"]["label"] for c in choices] == ["#1", "#2"]
    picked = line.event(moe, "postback", postback={"data": choices[1]["action"]["data"]})
    answer = await line.send(picked)
    assert (answer[0].text or "").startswith("已記錄 #2 辦理情形")
    assert line.bot.store.find_case(ref="2")[0].latest_reply().text == "輔導人力已補足"  # type: ignore[union-attr]


async def test_the_reminders_buttons_and_hash_replies_are_acknowledged_in_one_line(
        line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    await line.push(reminder(line, moe, "教育部"), key="round:1:moe")

    pressed = await line.send(line.event(moe, "postback", postback={"data": "回報 1"}))
    assert pressed[0].text == "請直接回覆這則訊息，寫下 #1 的辦理情形（或輸入「#1 辦理情形…」）。"
    assert await line.say(moe, "#1 已於11/20召開跨部會研商會議") == "已記錄 #1 辦理情形（115/11/23，教育部 李先生）。"
    release = await line.send(line.event(moe, "postback", postback={"data": "建議解除 2"}))
    assert "請寫明建議解除的理由" in (release[0].text or "")


async def test_a_message_from_an_unbound_group_is_told_how_to_bind(line: Line) -> None:
    stranger = line.group("某群組")
    assert await line.say(stranger, "列表") == "本群組尚未綁定機關。請向會議秘書處索取綁定碼後輸入「綁定 綁定碼」。"
    assert await line.say(stranger, "大家早安") == ""  # talk among people is not for the bot


async def test_a_6000_character_message_is_refused_politely(line: Line, secretariat: Group) -> None:
    answer = await line.say(secretariat, "#1 " + "辦" * 6000)
    assert answer.startswith("訊息太長（6,003 字），一則請在 5,000 字以內")
    assert line.bot.store.find_case(ref="1") == []


async def test_mentioning_the_bot_before_a_command_is_fine(line: Line, secretariat: Group) -> None:
    event = line.text_event(secretariat, "@列管小幫手 用量")
    event["message"]["mention"] = {"mentionees": [{"index": 0, "length": 6, "type": "user", "isSelf": True}]}
    delivered = await line.send(event)
    assert (delivered[0].text or "").startswith("LINE 本月（115年11月）訊息用量：")


async def test_unsend_withdraws_the_reply_it_carried_and_keeps_it_in_history(
        line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    said = line.text_event(moe, "#1 轉介流程已函頒")
    await line.send(said)
    assert await line.send(line.event(moe, "unsend", unsend={"messageId": said["message"]["id"]})) == []
    item = line.bot.store.find_case(ref="1")[0]
    assert item.latest_reply() is None
    assert [(r.text, r.withdrawn) for r in item.replies] == [("轉介流程已函頒", True)]


async def test_an_edited_message_edits_its_reply(line: Line, secretariat: Group) -> None:
    await add_items(line, secretariat)
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    said = line.text_event(moe, "#1 初稿")
    await line.send(said)
    edited = line.event(moe, "messageEdited",
                        message={"id": said["message"]["id"], "type": "text", "text": "#1 定稿"})
    assert (await line.send(edited))[0].text == "已更新 #1 的辦理情形。"
    assert line.bot.store.find_case(ref="1")[0].latest_reply().text == "定稿"  # type: ignore[union-attr]


async def test_leaving_a_group_unbinds_it_and_tells_the_secretariat(line: Line, secretariat: Group) -> None:
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    told = await line.send(line.event(moe, "leave"))
    assert line.bot.store.binding(chat=moe.key) is None
    assert [m.to for m in told] == [secretariat.chat_id]
    assert "已解除綁定" in (told[0].text or "") and "教育部" in (told[0].text or "")


async def test_a_person_who_blocks_the_bot_is_unbound(line: Line) -> None:
    admin = line.person("王小姐")
    code = line.bot.store.create_bind_code(agency="秘書處", actor="cli", chat=None)
    assert "已綁定" in await line.say(admin, f"綁定 {code}")
    await line.send(line.event(admin, "unfollow"))
    assert line.bot.store.binding(chat=admin.key) is None


async def test_member_joined_is_noted(line: Line, secretariat: Group) -> None:
    newcomer = "U" + "1" * 32
    event = line.event(secretariat, "memberJoined", joined={"members": [{"type": "user", "userId": newcomer}]})
    assert await line.send(event) == []
    from sqlmodel import Session, select

    from storage.models import Audit

    with Session(line.bot.store.engine) as s:
        noted = s.exec(select(Audit).where(Audit.action == "line.memberJoined")).all()
    assert [a.after for a in noted] == [{"members": [newcomer]}]


async def test_a_file_from_the_secretariat_is_offered_for_import(line: Line, secretariat: Group) -> None:
    minutes = (MINUTES / "102_mohw_child_protection.txt").read_bytes()
    event = line.stamp(line.api.file_event("第5次會議紀錄.txt", minutes, user_id=secretariat.user,
                                           group_id=secretariat.chat_id))
    answer = await line.send(event)
    assert [m.kind for m in answer] == ["reply"]
    assert "已讀取" in (answer[0].text or "") and "確認匯入" in (answer[0].text or "")
    assert line.bot.store.pending_import(chat=secretariat.key) is not None  # saved only on 確認匯入


async def test_a_file_in_an_agencys_group_is_left_alone(line: Line, secretariat: Group) -> None:
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    event = line.stamp(line.api.file_event("照片.pdf", b"%PDF", user_id=moe.user, group_id=moe.chat_id))
    assert await line.send(event) == []
    assert not any(c.path.endswith("/content") for c in line.api.calls)


async def test_quota_shows_this_months_use_to_the_secretariat(line: Line, secretariat: Group) -> None:
    line.api.quota, line.api.usage = 200, 37
    answer = await line.say(secretariat, "用量")
    assert answer.startswith("LINE 本月（115年11月）訊息用量：已用 37 則，額度 200 則，尚餘 163 則。")
    moe = line.group("教育部聯絡群")
    await line.bind(moe, "教育部", secretariat)
    assert await line.say(moe, "用量") == "這個指令只有秘書處可以使用。如需調整列管事項，請洽會議秘書處。"


async def test_a_long_reminder_is_paged_and_a_quote_lands_on_its_page(line: Line, secretariat: Group) -> None:
    await line.say(secretariat, "會議 新增 強化社會安全網中央跨部會平台")
    for n in range(1, 31):
        await line.say(secretariat, f"新增 請教育部辦理第{n}項 主辦：教育部")
    moe = line.group("教育部聯絡群", members=12)
    await line.bind(moe, "教育部", secretariat)
    line.api.quota, line.api.usage = 200, 0

    sent = await line.push(reminder(line, moe, "教育部"), key="round:1:moe")

    assert [m.body["type"] for m in sent] == ["text", "flex"] * 3  # 12 + 12 + 6: nothing cut
    assert len({m.retry_key for m in sent}) == 2 and line.api.usage == 2 * 12  # two pushes of ≤ 5
    page2 = sent[2]
    asked = await line.send(line.text_event(moe, "已辦理", quoting=page2.id))
    labels = [c["action"]["label"] for c in asked[0].body["quickReply"]["items"]]
    assert labels == [f"#{n}" for n in range(13, 25)]


async def test_a_multi_person_chat_is_served_like_a_group(line: Line) -> None:
    room = line.group("臨時討論", chat_id=new_id("R"))
    event = line.text_event(room, "列表")
    event["source"] = {"type": "room", "roomId": room.chat_id, "userId": room.user}
    answer = await line.send(event)
    assert [(m.kind, m.to) for m in answer] == [("reply", room.chat_id)]
    assert answer[0].text == "本群組尚未綁定機關。請向會議秘書處索取綁定碼後輸入「綁定 綁定碼」。"
