"""Reports the way a secretariat has them before the 6th meeting of 強化社會安全網中央跨部會平台."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.reports.model import KEEP, RELEASE, AgencyStatus, ReportData, ReportReply, ReportRow

BODY = "強化社會安全網中央跨部會平台"

UNANSWERED = ReportRow(
    case="1",
    subject="重大兒虐案件網絡合作之精進作為",
    decision="請衛福部於下次會議時針對高風險孕產婦試辦計畫之辦理成效、受案類型、關懷追蹤內容、轉介機制等執行方式提出完整報告。",
    origin="第4次會議",
    leads=("衛生福利部",),
    assists=(),
    statuses=(AgencyStatus("衛生福利部"),),
    proposal="",
    due="下次會議",
)

PARTLY_ANSWERED = ReportRow(
    case="6",
    subject="連結未升學未就業青少年與就業服務體系",
    decision="請教育部於下次會議時就「未升學未就業青少年關懷扶助計畫」與各部會（體系）銜接方式，提出完整報告。",
    origin="第4次會議",
    leads=("教育部",),
    assists=("勞動部", "衛生福利部"),
    statuses=(
        AgencyStatus("教育部", (ReportReply(
            "教育部", "已於5/12召開跨部會研商會議，銜接流程草案如附，6月底前函頒。", date(2026, 5, 18), False
        ),)),
        AgencyStatus("勞動部"),
        AgencyStatus("衛生福利部", (
            ReportReply("衛生福利部", "配合教育部辦理。\n另已函請各縣市提供名冊。", date(2026, 5, 25), True),
        )),
    ),
    proposal=KEEP,
    due="115/6/10",
)

ANSWERED_WITHOUT_SUBJECT = ReportRow(
    case="8",
    subject="",
    decision="請教育部訂定家庭教育中心轉介工作流程與轉介指標，俾利與其他網絡單位合作。",
    origin="第4次會議",
    leads=("教育部",),
    assists=(),
    statuses=(AgencyStatus("教育部", (ReportReply("教育部", "轉介流程與指標已函頒各縣市。", date(2026, 5, 20), False),)),),
    proposal=RELEASE,
    proposal_reason="教育部115/5/20函頒轉介流程。",
)

HOSTILE = ReportRow(
    case="9",
    subject='<script>alert("x")</script> & 家暴｜性侵 | 防治',
    decision="請內政部研議 *緊急* 安置流程。",
    origin="第5次會議",
    leads=("內政部",),
    assists=(),
    statuses=(AgencyStatus("內政部", (ReportReply("內政部", "<b>已完成</b> 修法草案\x0b預告。", date(2026, 5, 29), False),)),),
    proposal="",
)

KEPT_UNANSWERED = ReportRow(
    case="12",
    subject="跨網絡資料介接",
    decision="請衛福部會同法務部完成資料介接規劃。",
    origin="第5次會議",
    leads=("衛生福利部",),
    assists=("法務部",),
    statuses=(AgencyStatus("衛生福利部"), AgencyStatus("法務部")),
    proposal=KEEP,
)


def make_report(rows: tuple[ReportRow, ...], *, number: int | None = 6) -> ReportData:
    return ReportData(
        body=BODY, meeting_number=number, meeting_date=date(2026, 6, 10), cutoff=date(2026, 6, 3), rows=rows
    )


def long_report(count: int) -> ReportData:
    """`count` rows cycling through the kinds above, numbered 1..count: enough for several pages."""
    kinds = (UNANSWERED, PARTLY_ANSWERED, ANSWERED_WITHOUT_SUBJECT, KEPT_UNANSWERED)
    return make_report(tuple(replace(kinds[i % len(kinds)], case=str(i + 1)) for i in range(count)))
