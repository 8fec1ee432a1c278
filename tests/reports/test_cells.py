"""What each cell says: one module decides the words, every format shows the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.reports.cells import (
    HEADERS,
    WIDTHS_MM,
    Span,
    plain,
    progress_cell,
    row_cells,
    subject_cell,
    subtitle,
)
from bot.reports.model import AgencyStatus, ReportData, ReportReply
from tests.reports.samples import ANSWERED_WITHOUT_SUBJECT, HOSTILE, PARTLY_ANSWERED, UNANSWERED

TWICE_THEN_RELEASE = AgencyStatus(
    "教育部",
    (ReportReply("教育部", "已召開研商會議。", date(2026, 5, 12)),
     ReportReply("教育部", "轉介流程已函頒。", date(2026, 5, 20))),
    release_reason="轉介流程與指標已函頒各縣市。",
)


def test_headers_are_the_columns_of_the_spec_with_期限_of_its_own() -> None:
    assert HEADERS == ("案號", "案由及決議（定）事項", "主辦／協辦機關", "期限", "辦理情形", "列管建議", "會議決定")
    assert len(WIDTHS_MM) == len(HEADERS) and sum(WIDTHS_MM) == 297 - 2 * 20


def test_subtitle_states_the_meeting_date_and_the_cutoff_as_roc_dates(report: ReportData) -> None:
    assert subtitle(report) == "前次會議決議辦理情形（會議日期 115年6月10日；資料截至 115年6月3日）"
    timed = replace(report, meeting_time="上午9時30分")
    assert subtitle(timed) == "前次會議決議辦理情形（會議日期 115年6月10日上午9時30分；資料截至 115年6月3日）"
    assert subtitle(replace(report, meeting_date=None)) == "前次會議決議辦理情形（資料截至 115年6月3日）"


def test_subject_cell_is_subject_and_origin_then_the_decision() -> None:
    assert plain(subject_cell(UNANSWERED)) == (
        "重大兒虐案件網絡合作之精進作為（第4次會議）\n" + UNANSWERED.decision
    )


def test_without_a_subject_the_origin_follows_the_decision() -> None:
    assert (
        plain(subject_cell(ANSWERED_WITHOUT_SUBJECT)) == ANSWERED_WITHOUT_SUBJECT.decision + "（第4次會議）"
    )


def test_agencies_cell_lists_leads_and_assists_and_期限_has_its_own_cell() -> None:
    assert plain(row_cells(PARTLY_ANSWERED)[2]) == "主辦：教育部\n協辦：勞動部、衛生福利部"
    assert plain(row_cells(PARTLY_ANSWERED)[3]) == "115/6/10"
    assert plain(row_cells(UNANSWERED)[3]) == "下次會議"
    assert row_cells(ANSWERED_WITHOUT_SUBJECT)[3] == ()


def test_no_reply_at_all_is_a_single_red_未回報() -> None:
    assert progress_cell(UNANSWERED) == ((Span("未回報", "missing"),),)


def test_replies_carry_roc_dates_and_silent_agencies_follow_as_未回報() -> None:
    assert plain(progress_cell(PARTLY_ANSWERED)) == (
        "教育部（115/5/18）：已於5/12召開跨部會研商會議，銜接流程草案如附，6月底前函頒。\n"
        "勞動部：未回報\n"
        "衛生福利部（115/5/25，逾期回報）：配合教育部辦理。\n"
        "另已函請各縣市提供名冊。"
    )


def test_late_reply_and_missing_agency_are_marked_for_the_renderers() -> None:
    marks = {span.text: span.mark for line in progress_cell(PARTLY_ANSWERED) for span in line if span.mark}
    assert marks == {"逾期回報": "late", "未回報": "missing"}


def test_proposal_shows_and_the_meeting_decision_stays_empty_until_decided() -> None:
    cells = row_cells(PARTLY_ANSWERED)
    assert plain(cells[0]) == "6"
    assert plain(cells[5]) == "擬繼續列管"
    assert cells[6] == ()
    assert plain(row_cells(replace(PARTLY_ANSWERED, decided="繼續列管"))[6]) == "繼續列管"


def test_the_secretariats_reason_follows_its_proposal() -> None:
    assert plain(row_cells(ANSWERED_WITHOUT_SUBJECT)[5]) == "擬解除列管\n理由：教育部115/5/20函頒轉介流程。"


def test_every_reply_of_the_round_is_dated_and_a_release_request_shows_beside_them() -> None:
    row = replace(ANSWERED_WITHOUT_SUBJECT, statuses=(TWICE_THEN_RELEASE,))
    assert plain(progress_cell(row)) == (
        "教育部（115/5/12）：已召開研商會議。\n"
        "教育部（115/5/20）：轉介流程已函頒。\n"
        "教育部建議解除列管：轉介流程與指標已函頒各縣市。"
    )
    assert row.answered and row.missing == ()


def test_a_release_request_alone_answers_and_is_not_未回報() -> None:
    row = replace(UNANSWERED, statuses=(AgencyStatus("衛生福利部", release_reason="已結案。"),))
    assert plain(progress_cell(row)) == "衛生福利部建議解除列管：已結案。"
    assert row.answered


def test_a_text_the_secretariat_set_replaces_the_replies_and_says_so() -> None:
    edited = replace(TWICE_THEN_RELEASE, edited="轉介流程與指標已於115/5/20函頒。")
    row = replace(ANSWERED_WITHOUT_SUBJECT, statuses=(edited, AgencyStatus("勞動部")))
    assert plain(progress_cell(row)) == (
        "教育部（秘書處修改）：轉介流程與指標已於115/5/20函頒。\n"
        "教育部建議解除列管：轉介流程與指標已函頒各縣市。\n"
        "勞動部：未回報"
    )


def test_a_reply_the_secretariat_entered_is_marked_代為登錄() -> None:
    reply = ReportReply("教育部", "已函頒。", date(2026, 5, 20), late=True, on_behalf=True)
    row = replace(ANSWERED_WITHOUT_SUBJECT, statuses=(AgencyStatus("教育部", (reply,)),))
    assert plain(progress_cell(row)) == "教育部（115/5/20，逾期回報，秘書處代為登錄）：已函頒。"


def test_control_characters_that_xml_refuses_are_dropped() -> None:
    assert "\x0b" not in plain(progress_cell(HOSTILE))
    assert plain(progress_cell(HOSTILE)) == "內政部（115/5/29）：<b>已完成</b> 修法草案預告。"


def test_blank_lines_around_a_reply_are_trimmed() -> None:
    status = ANSWERED_WITHOUT_SUBJECT.statuses[0]
    row = replace(
        ANSWERED_WITHOUT_SUBJECT,
        statuses=(replace(status, replies=(replace(status.replies[0], text="\n\n已函頒。\n\n"),)),),
    )
    assert plain(progress_cell(row)) == "教育部（115/5/20）：已函頒。"
