"""The layout of minutes: page furniture, broken lines, numbering, header fields."""

from __future__ import annotations

import pytest

from bot.minutes.cleaning import clean_lines
from bot.minutes.header import body_of, read_header
from bot.minutes.outline import ordinal
from bot.minutes.paragraphs import paragraphs


def test_page_numbers_urls_and_repeated_titles_are_dropped() -> None:
    lines = clean_lines(
        "某委員會第1次會議紀錄\n決定：請社會局\n- 3 -\n第 4 頁，共 9 頁\n\nhttps://example.gov.tw/a?b=1\n"
        "某委員會第1次會議紀錄\n辦理。\n8\n"
    )

    assert lines == ["某委員會第1次會議紀錄", "決定：請社會局", "辦理。"]


def test_a_running_footer_is_dropped_everywhere() -> None:
    page = "一、請社會局辦理。\n二、請衛生局辦理。\n三、洽悉。\n本文件僅供內部會議使用請勿外流\n"
    text = "某委員會會議紀錄\n時間：113年1月2日\n" + page * 3

    assert "本文件僅供內部會議使用請勿外流" not in clean_lines(text)


def test_broken_lines_join_into_their_point_without_spaces_around_the_breaks() -> None:
    paras = paragraphs(["一、 請衛福部於下次會議時針對 ", " 高風險孕產婦試辦計畫提出報告。", "二、洽悉。"])

    assert [(p.marker, p.text) for p in paras] == [("一、", "請衛福部於下次會議時針對高風險孕產婦試辦計畫提出報告。"), ("二、", "洽悉。")]


@pytest.mark.parametrize(
    ("line", "kind"),
    [("案由一：兒少保護報告。", "case"), ("提案一", "case"), ("第 1 案(胡委員提出)：", "case"), ("決  議：", "label"),
     ("主席裁示：請社會局辦理", "label"), ("討論事項", "heading"), ("16 歲至 18 歲之學生", "text"),
     ("第 9案請衛福部辦理", "text"), ("2.0版本上線", "text")],
)
def test_what_opens_a_paragraph(line: str, kind: str) -> None:
    paras = paragraphs(["前文", line])

    assert (paras[-1].kind if len(paras) == 2 else "text") == kind


@pytest.mark.parametrize(
    ("marker", "number"),
    [("一、", 1), ("（三）", 3), ("(3)", 3), ("12.", 12), ("２．", 2), ("壹、", 1), ("拾壹、", 11), ("①", 1), ("●", 0)],
)
def test_numbering_is_read_in_every_style(marker: str, number: int) -> None:
    assert ordinal(marker) == number


def test_several_header_fields_on_one_line_and_in_numbered_sections() -> None:
    meeting, warnings = read_header([
        "某市社會福利委員會", "107年第 2次會議紀錄", "壹、時間：107年 6月 27日（星期三）下午 2時",
        "貳、地點： 本府 1602會議室", "參、主 持 人：游副市長建華",
        "肆、出（列）席單位及人員：（詳簽到表）          記錄：郭育伶", "伍、主席致詞：（略）",
    ])

    assert (meeting.title, meeting.number, meeting.chair, meeting.recorder, meeting.location) == (
        "某市社會福利委員會107年第2次會議紀錄", 2, "游副市長建華", "郭育伶", "本府1602會議室")
    assert meeting.date is not None and meeting.date.isoformat() == "2018-06-27" and warnings == []


def test_a_label_inside_a_sentence_is_not_a_header_field() -> None:
    meeting, _ = read_header(["某會議紀錄", "時間：109年3月11日", "貳、 確認前次會議紀錄：確認。"])

    assert meeting.recorder is None


def test_unreadable_meeting_date_is_warned() -> None:
    meeting, warnings = read_header(["某會議紀錄", "時間：另行通知"])

    assert meeting.date is None and warnings == ["看不懂會議時間「另行通知」，請確認會議日期。"]


@pytest.mark.parametrize(
    ("title", "body"),
    [("強化社會安全網中央跨部會平台第5次會議紀錄", "強化社會安全網中央跨部會平台"),
     ("桃園市社會福利政策推動委員會107年第2次會議紀錄", "桃園市社會福利政策推動委員會"),
     ("屏東縣政府社會福利委員會一○九年度第２次會議紀錄", "屏東縣政府社會福利委員會"),
     ("「強化社會安全網計畫地方政府溝通說明會」臺北市會議紀錄", "強化社會安全網計畫地方政府溝通說明會"),
     ("臺北市社會福利委員會會議紀錄", "臺北市社會福利委員會"),
     ("家庭暴力防治網絡聯繫會議紀錄", "家庭暴力防治網絡聯繫會議")],
)
def test_body_is_the_title_without_its_sequence(title: str, body: str) -> None:
    assert body_of(title) == body
