"""A LINE reminder's lines name each task and, where others share it, its 主辦／協辦 (as bot/format.item_line)."""

from __future__ import annotations

from datetime import date

from bot.channels.line.render import Listed, render
from bot.format import item_line
from bot.messages import ChatRef, Outgoing
from storage.views import ItemView


def item(n: int, text: str, agencies: tuple[tuple[str, str], ...]) -> ItemView:
    return ItemView(id=n, body_id=1, body="強化社會安全網中央跨部會平台", code="社安", case=str(n), label=str(n),
                    subject="家庭教育中心定位與轉介", text=text, status="tracking", due_next_meeting=True,
                    due_date=None, agencies=agencies, meeting_number=5, warning=None, proposal=None,
                    proposal_reason=None)


def test_a_line_reminder_reads_like_the_chat_lists() -> None:
    own = item(1, "請教育部補足輔導人力", (("教育部", "lead"),))
    shared = item(2, "請教育部提出轉介流程", (("教育部", "lead"), ("勞動部", "assist")))
    listed = [Listed(own, None, "教育部"), Listed(shared, date(2026, 11, 2), "教育部")]
    out = Outgoing("【列管事項提醒】教育部 2 案\n#1 …\n#2 …", chat=ChatRef("line", "C1"), item_ids=[1, 2],
                   kind="reminder")
    lines = render(out, listed=listed)[0].message["text"].splitlines()
    assert lines[1:3] == ["#1　請教育部補足輔導人力　下次會議　上次回報：無",
                          "#2　請教育部提出轉介流程　主辦：教育部；協辦：勞動部　下次會議　上次回報：115/11/2"]
    assert lines[1] == item_line(own, agency="教育部")
