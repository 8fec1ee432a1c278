"""The report's numbers and headings, whatever the format."""

from __future__ import annotations

from dataclasses import replace

from bot.reports.model import AgencyStatus, ReportData, ReportSummary
from tests.reports.samples import BODY, KEPT_UNANSWERED, make_report


def test_summary_counts_each_proposal_and_the_items_nobody_answered(report: ReportData) -> None:
    assert report.summary() == ReportSummary(total=5, release=1, keep=2, undecided=2, unanswered=2)


def test_an_unanswered_item_counts_as_unanswered_whatever_its_proposal(report: ReportData) -> None:
    kept = [row for row in report.rows if row.proposal == "擬繼續列管" and not row.replies]
    assert kept, "the sample has an item proposed for keeping that nobody answered"
    assert report.summary().unanswered == 2


def test_summary_line_reads_like_the_spec(report: ReportData) -> None:
    assert report.summary_line() == "共 5 案：擬解除列管 1 案、擬繼續列管 2 案、尚未決定 2 案；未回報 2 案。"


def test_title_names_the_body_and_the_meeting_number(report: ReportData) -> None:
    assert report.title() == "強化社會安全網中央跨部會平台第6次會議"


def test_title_without_a_meeting_number_is_the_body_and_會議() -> None:
    assert make_report((), number=None).title() == f"{BODY}會議"


def test_an_empty_report_counts_nothing(empty_report: ReportData) -> None:
    assert empty_report.summary() == ReportSummary(total=0, release=0, keep=0, undecided=0, unanswered=0)
    assert empty_report.summary_line() == "共 0 案。"


def test_a_release_request_or_the_secretariats_text_answers_but_silence_does_not() -> None:
    asked = replace(KEPT_UNANSWERED, statuses=(AgencyStatus("衛生福利部", release_reason=""), AgencyStatus("法務部")))
    edited = replace(KEPT_UNANSWERED, statuses=(AgencyStatus("衛生福利部", edited="已完成。"),))
    assert asked.answered and asked.missing == ("法務部",) and asked.replies == ()
    assert edited.answered and edited.missing == ()
    assert not KEPT_UNANSWERED.answered and KEPT_UNANSWERED.missing == ("衛生福利部", "法務部")
    assert make_report((asked, edited, KEPT_UNANSWERED)).summary().unanswered == 1
