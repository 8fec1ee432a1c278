"""What each cell says: one module decides the words, every format shows the same."""

from __future__ import annotations

from dataclasses import replace

from bot.reports.cells import HEADERS, Span, plain, progress_cell, row_cells, subject_cell, subtitle
from bot.reports.model import ReportData
from tests.reports.samples import ANSWERED_WITHOUT_SUBJECT, HOSTILE, PARTLY_ANSWERED, UNANSWERED


def test_headers_are_the_six_columns_of_the_spec() -> None:
    assert HEADERS == ("案號", "案由及決議（定）事項", "主辦／協辦機關", "辦理情形", "列管建議", "會議決定")


def test_subtitle_states_the_cutoff_as_an_roc_date(report: ReportData) -> None:
    assert subtitle(report) == "前次會議決議辦理情形（資料截至 115年6月3日）"


def test_subject_cell_is_subject_and_origin_then_the_decision() -> None:
    assert plain(subject_cell(UNANSWERED)) == (
        "重大兒虐案件網絡合作之精進作為（第4次會議）\n" + UNANSWERED.decision
    )


def test_without_a_subject_the_origin_follows_the_decision() -> None:
    assert (
        plain(subject_cell(ANSWERED_WITHOUT_SUBJECT)) == ANSWERED_WITHOUT_SUBJECT.decision + "（第4次會議）"
    )


def test_agencies_cell_lists_leads_assists_and_the_due_date() -> None:
    assert plain(row_cells(PARTLY_ANSWERED)[2]) == "主辦：教育部\n協辦：勞動部、衛生福利部\n期限：115/6/10"
    assert plain(row_cells(UNANSWERED)[2]) == "主辦：衛生福利部\n期限：下次會議"


def test_no_reply_at_all_is_a_single_red_未回報() -> None:
    assert progress_cell(UNANSWERED) == ((Span("未回報", "missing"),),)


def test_replies_carry_roc_dates_and_silent_agencies_follow_as_未回報() -> None:
    assert plain(progress_cell(PARTLY_ANSWERED)) == (
        "教育部（115/5/18）：已於5/12召開跨部會研商會議，銜接流程草案如附，6月底前函頒。\n"
        "衛生福利部（115/5/25，逾期回報）：配合教育部辦理。\n"
        "另已函請各縣市提供名冊。\n"
        "勞動部：未回報"
    )


def test_late_reply_and_missing_agency_are_marked_for_the_renderers() -> None:
    marks = {span.text: span.mark for line in progress_cell(PARTLY_ANSWERED) for span in line if span.mark}
    assert marks == {"逾期回報": "late", "未回報": "missing"}


def test_proposal_shows_and_the_meeting_decision_stays_empty() -> None:
    cells = row_cells(PARTLY_ANSWERED)
    assert plain(cells[0]) == "6"
    assert plain(cells[4]) == "擬繼續列管"
    assert cells[5] == ()


def test_control_characters_that_xml_refuses_are_dropped() -> None:
    assert "\x0b" not in plain(progress_cell(HOSTILE))
    assert plain(progress_cell(HOSTILE)) == "內政部（115/5/29）：<b>已完成</b> 修法草案預告。"


def test_blank_lines_around_a_reply_are_trimmed() -> None:
    row = replace(
        ANSWERED_WITHOUT_SUBJECT,
        replies=(replace(ANSWERED_WITHOUT_SUBJECT.replies[0], text="\n\n已函頒。\n\n"),),
    )
    assert plain(progress_cell(row)) == "教育部（115/5/20）：已函頒。"
