"""How an Outgoing looks on LINE: within LINE's limits, reminders paged, nothing ever truncated."""

from __future__ import annotations

import json
from datetime import date

from bot.channels.line.flex import carousels, item_bubble
from bot.channels.line.render import Listed, message_count, pushes_needed, render
from bot.messages import Button, ChatRef, Document, Outgoing
from storage.views import ItemView

HEADER = "【列管事項提醒】教育部 30 案｜回報截止 115/12/3（尚有 8 個辦公日）"


def item(n: int, subject: str = "未升學未就業青少年關懷扶助計畫與各部會銜接方式") -> ItemView:
    return ItemView(id=100 + n, body_id=1, body="強化社會安全網中央跨部會平台", code="社安", case=str(n),
                    label=str(n), subject=subject, text=subject, status="tracking", due_next_meeting=False,
                    due_date=date(2026, 12, 10), agencies=(("教育部", "lead"),), meeting_number=5,
                    warning=None, proposal=None, proposal_reason=None)


def a_reminder(count: int, **extra: object) -> tuple[Outgoing, list[Listed]]:
    listed = [Listed(item(n), date(2026, 11, 2) if n % 2 else None) for n in range(1, count + 1)]
    lines = [HEADER] + [f"#{e.item.label} …" for e in listed]
    out = Outgoing("\n".join(lines), chat=ChatRef("line", "C1"), item_ids=[e.item.id for e in listed],
                   kind="reminder", **extra)  # type: ignore[arg-type]
    return out, listed


def test_a_reminder_is_a_quotable_text_with_a_carousel_of_buttons_beside_it() -> None:
    out, listed = a_reminder(2)
    text, flex = render(out, listed=listed)
    assert text.message["type"] == "text"  # text can be quoted; LINE gives a Flex message no quote token
    assert text.message["text"].splitlines() == [
        HEADER,
        "#1　未升學未就業青少年關懷扶助計畫與各部會銜接方式　115/12/10　上次回報：115/11/2",
        "#2　未升學未就業青少年關懷扶助計畫與各部會銜接方式　115/12/10　上次回報：無",
        "回報方式：直接回覆（引用）這則訊息寫下辦理情形，或輸入「#案號 辦理情形…」；也可以按下方按鈕。"]
    bubbles = flex.message["contents"]["contents"]
    assert [b["footer"]["contents"][0]["action"]["data"] for b in bubbles] == ["回報 1", "回報 2"]
    assert [b["footer"]["contents"][1]["action"]["data"] for b in bubbles] == ["建議解除 1", "建議解除 2"]
    assert flex.message["altText"].startswith(HEADER)  # the plain-text fallback
    assert text.item_ids == flex.item_ids == [101, 102]


def test_thirty_items_are_three_pages_never_truncated() -> None:
    out, listed = a_reminder(30)
    parts = render(out, listed=listed)
    assert [p.message["type"] for p in parts] == ["text", "flex"] * 3
    texts = [p.message["text"] for p in parts if p.message["type"] == "text"]
    assert [t.splitlines()[0][-9:] for t in texts] == ["（第 1/3 頁）", "（第 2/3 頁）", "（第 3/3 頁）"]
    listed_labels = [line.split("　")[0] for t in texts for line in t.splitlines() if line.startswith("#")]
    assert listed_labels == [f"#{n}" for n in range(1, 31)]
    carousels = [p.message["contents"]["contents"] for p in parts if p.message["type"] == "flex"]
    assert [len(c) for c in carousels] == [12, 12, 6]
    assert parts[2].item_ids == list(range(113, 125))  # quoting page 2 lands on page 2's items
    assert pushes_needed(len(parts)) == 2


def test_message_count_is_known_before_sending() -> None:
    for count in (1, 12, 13, 30, 61):
        out, listed = a_reminder(count)
        assert message_count(out) == len(render(out, listed=listed))
    out, listed = a_reminder(3, buttons=[Button("回報 #1", "回報 1"), Button("未回報", "未回報")])
    assert message_count(out) == len(render(out, listed=listed)) == 3  # 未回報 gets its own buttons
    long = Outgoing("說明\n" * 3000, buttons=[Button("好", "好")], document=Document("a.csv", b"x", "text/csv"))
    assert message_count(long) == len(render(long, link="https://x.tw/files/" + "x" * 200))


def test_a_long_text_is_split_at_line_breaks_within_5000_utf16_units() -> None:
    text = "\n".join("😀" * 1000 for _ in range(6))  # an emoji is two UTF-16 units: 2,000 a line
    parts = render(Outgoing(text))
    pieces = [p.message["text"] for p in parts]
    assert [len(p.encode("utf-16-le")) // 2 for p in pieces] == [4001, 4001, 4001]
    assert "\n".join(pieces) == text
    one_line = render(Outgoing("案" * 12_000))
    assert "".join(p.message["text"] for p in one_line) == "案" * 12_000


def test_quick_replies_stop_at_13_and_labels_at_20_units() -> None:
    choices = [Button(f"#{n}", f"#{n}") for n in range(1, 20)] + [Button("很長" * 20, "x")]
    (part,) = render(Outgoing("是哪一案？", quick_replies=choices))
    items = part.message["quickReply"]["items"]
    assert len(items) == 13 and items[0]["action"] == {
        "type": "postback", "label": "#1", "data": "#1", "displayText": "#1"}
    (labelled,) = render(Outgoing("?", quick_replies=[Button("很長" * 20, "x")]))
    assert len(labelled.message["quickReply"]["items"][0]["action"]["label"]) == 20


def test_a_carousel_over_50_kb_is_split_in_two() -> None:
    heavy = [item_bubble(label=str(n), title="長" * 2000, due="", last_reply="無") for n in range(12)]
    containers = carousels(heavy)
    assert [len(c["contents"]) for c in containers] == [6, 6]
    assert all(len(json.dumps(c, ensure_ascii=False).encode()) <= 50_000 for c in containers)
    light = [item_bubble(label=str(n), title="轉介流程", due="", last_reply="無") for n in range(27)]
    assert [len(c["contents"]) for c in carousels(light)] == [12, 12, 3]
