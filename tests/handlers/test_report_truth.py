"""The report tells the meeting the truth: every reply of the round, corrections in place of what they
correct, withdrawals gone, release requests beside progress, 代為登錄 and 秘書處修改 said, each
agency's own status, and a past meeting's report as it stood then."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from bot.core import Bot
from tests.conftest import Clock, bind_agency
from tests.driver import Chat

SEED_000 = (Path(__file__).parents[1] / "data" / "minutes" / "000_663eb93f7475aed5.txt").read_text(encoding="utf-8")


def report_rows(chat: Chat, args: str = "") -> tuple[str, dict[str, dict[str, str]]]:
    """The summary the bot answers and the report's rows by 案號, each a column → cell text mapping."""
    answers = asyncio.run(chat.send(f"報告 csv {args}".strip()))
    assert answers[0].document is not None, answers[0].text
    rows = list(csv.reader(io.StringIO(answers[0].document.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    return answers[0].text, {row[0]: dict(zip(header, row, strict=True)) for row in body}


@pytest.fixture
def moe(secretariat: Chat) -> Chat:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請教育部訂定轉介流程 主辦：教育部 期限：下次會議")
    secretariat.run("新增 請教育部會同勞動部研議銜接方式 主辦：教育部 協辦：勞動部 期限：116/1/15")
    return bind_agency(secretariat, "教育部", "line:Cmoe")


def test_a_release_request_never_hides_the_progress_before_it(secretariat: Chat, moe: Chat, clock: Clock) -> None:
    moe.run("#1 已於11/20召開研商會議。")
    clock.advance(days=2)
    moe.run("#1 轉介流程草案已送各縣市表示意見。")
    clock.advance(days=1)
    moe.run("建議解除 1 轉介流程與指標已函頒各縣市（臺教社(二)字第1150001號）。")
    summary, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == (
        "教育部（115/11/23）：已於11/20召開研商會議。\n"
        "教育部（115/11/25）：轉介流程草案已送各縣市表示意見。\n"
        "教育部建議解除列管：轉介流程與指標已函頒各縣市（臺教社(二)字第1150001號）。")
    assert "（未回報 1）" in summary  # only #2 is unanswered


def test_a_correction_replaces_the_reply_it_corrects_in_its_place(secretariat: Chat, moe: Chat, bot: Bot,
                                                                  clock: Clock) -> None:
    moe.run("#1 函頒日期為11/30。")
    clock.advance(days=1)
    moe.run("#1 已彙整各縣市意見。")
    clock.advance(days=1)
    assert moe.run("更正 #1 已彙整各縣市意見，將於12/5函頒。").startswith("已更正 #1 教育部 115/11/24")
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == ("教育部（115/11/23）：函頒日期為11/30。\n"
                                    "教育部（115/11/24）：已彙整各縣市意見，將於12/5函頒。")
    card = secretariat.run("案 1")
    assert "（已更正，舊版）：已彙整各縣市意見。" in card and "（更正）：已彙整各縣市意見，將於12/5函頒。" in card


def test_replying_更正_to_the_acknowledgement_corrects_that_reply(secretariat: Chat, moe: Chat, bot: Bot) -> None:
    ack = asyncio.run(moe.send("#2 已函頒轉介流程。"))[0]
    bot.store.record_sent(chat="line:Cmoe", message_ids=["ack-1"], item_ids=ack.item_ids)
    assert moe.run("更正：已函頒轉介流程（115年11月20日）。", reply_to="ack-1").startswith("已更正 #2")
    _, rows = report_rows(secretariat)
    assert rows["2"]["辦理情形"].startswith("教育部（115/11/23）：已函頒轉介流程（115年11月20日）。")


def test_an_edited_message_replaces_its_reply_in_the_report(secretariat: Chat, moe: Chat) -> None:
    moe.run("#1 初稿", message_id="tg-7")
    moe.run("#1 定稿已函頒", message_id="tg-7", edited=True)
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "教育部（115/11/23）：定稿已函頒"


def test_撤回_withdraws_the_agencys_latest_reply_and_keeps_it_in_history(secretariat: Chat, moe: Chat,
                                                                        bot: Bot, clock: Clock) -> None:
    moe.run("#1 已召開研商會議。")
    clock.advance(hours=1)
    moe.run("#1 測試")
    assert moe.run("撤回 #1") == "已撤回 #1 教育部 115/11/23 的回報（測試），不再列入報告；紀錄仍保留。"
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "教育部（115/11/23）：已召開研商會議。"
    assert "（已撤回）：測試" in secretariat.run("案 1")
    moe.run("撤回 1")
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "未回報"
    assert "沒有教育部的回報可以更正或撤回" in moe.run("撤回 #1")


def test_the_secretariat_sets_an_agencys_辦理情形_and_returns_to_the_replies(secretariat: Chat, moe: Chat) -> None:
    moe.run("#2 已召開會議。")
    bind_agency(secretariat, "勞動部", "line:Cmol")
    answer = secretariat.run("辦理情形 2 教育部 已於115年11月20日召開跨部會研商會議，銜接流程草案如附。")
    assert answer.startswith("已修改 #2 教育部 的辦理情形")
    _, rows = report_rows(secretariat)
    assert rows["2"]["辦理情形"] == ("教育部（秘書處修改）：已於115年11月20日召開跨部會研商會議，銜接流程草案如附。\n"
                                    "勞動部：未回報")
    assert "已於115年11月20日召開" in secretariat.run("辦理情形 2 教育部")
    assert secretariat.run("辦理情形 2 教育部 還原").startswith("已還原 #2 教育部")
    _, rows = report_rows(secretariat)
    assert rows["2"]["辦理情形"] == "教育部（115/11/23）：已召開會議。\n勞動部：未回報"
    assert "不需要還原" in secretariat.run("辦理情形 2 教育部 還原")
    assert "#2 的機關是：" in secretariat.run("辦理情形 2 法務部 已完成")
    assert "只有秘書處" in moe.run("辦理情形 2 教育部 已完成")


def test_a_reply_longer_than_2000_characters_is_refused_and_nothing_is_stored(moe: Chat, bot: Bot) -> None:
    answer = moe.run("#1 " + "已辦理。" * 650)
    assert answer.startswith("這則回報有 2,600 字，超過一則 2,000 字的上限，沒有記錄。")
    assert bot.store.find_case(ref="1")[0].replies == ()
    assert "已記錄 #1" in moe.run("#1 " + "辦" * 2000)


def test_a_reply_the_secretariat_types_is_recorded_as_代為登錄(secretariat: Chat, moe: Chat, bot: Bot) -> None:
    answer = secretariat.run("#1 已函頒轉介流程。")
    assert answer.startswith("已代為登錄 #1 教育部 的辦理情形（115/11/23，王小姐）")
    assert "・教育部 115/11/23（秘書處代為登錄）：已函頒轉介流程。" in secretariat.run("案 1")
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "教育部（115/11/23，秘書處代為登錄）：已函頒轉介流程。"
    assert bot.store.find_case(ref="1")[0].replies[0].contract_kind == "on_behalf"
    assert secretariat.run("撤回 1").startswith("已撤回 #1 教育部")


def test_each_agency_sees_only_its_own_未回報_on_a_shared_item(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("會議 新增 強化社會安全網中央跨部會平台")
    secretariat.run("新增 請衛福部會同法務部完成資料介接 主辦：衛生福利部 協辦：法務部")
    mohw = bind_agency(secretariat, "衛生福利部", "line:Cmohw")
    bind_agency(secretariat, "法務部", "line:Cmoj")
    mohw.run("#1 介接規劃已完成。")
    assert mohw.run("未回報") == "截至 115/11/23，列管案都已回報。"
    assert secretariat.run("未回報") == "截至 115/11/23，仍未回報 1 案：法務部 #1。"
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "衛生福利部（115/11/23）：介接規劃已完成。\n法務部：未回報"


def test_the_next_meetings_report_carries_its_date_time_reason_and_期限(secretariat: Chat, moe: Chat) -> None:
    secretariat.run("下次會議 115/12/14 上午9時30分")
    secretariat.run("擬解除 1 教育部115/11/20函頒轉介流程")
    answers = asyncio.run(secretariat.send("報告 md"))
    md = answers[0].document.content.decode("utf-8")  # type: ignore[union-attr]
    assert "會議日期 115年12月14日上午9時30分；資料截至 115年11月23日" in md
    _, rows = report_rows(secretariat)
    assert rows["1"]["列管建議"] == "擬解除列管\n理由：教育部115/11/20函頒轉介流程"
    assert rows["1"]["期限"] == "下次會議" and rows["2"]["期限"] == "116/1/15"
    assert rows["2"]["主辦／協辦機關"] == "主辦：教育部\n協辦：勞動部"


def test_decisions_recorded_by_hand_fill_the_coming_meetings_會議決定(secretariat: Chat, moe: Chat) -> None:
    moe.run("#1 轉介流程已函頒。")
    secretariat.run("解除列管 1")
    secretariat.run("繼續列管 2")
    _, rows = report_rows(secretariat)
    assert rows["1"]["會議決定"] == "解除列管" and rows["2"]["會議決定"] == "繼續列管"
    assert rows["1"]["辦理情形"] == "教育部（115/11/23）：轉介流程已函頒。"


def test_a_past_meetings_report_is_that_meetings_snapshot(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("匯入 繼續 3")
    assert secretariat.run("確認匯入").startswith("已存檔")
    moe = bind_agency(secretariat, "教育部", "line:Cmoe")
    moe.run("#6 已於115/11/20召開研商會議。")  # years after the 5th meeting
    summary, rows = report_rows(secretariat, "5")
    assert "資料截至 109/3/10" in summary
    assert all("115/11/23" not in row["辦理情形"] for row in rows.values())
    assert rows["6"]["會議決定"] == "繼續列管" and rows["2"]["會議決定"] == "解除列管"
    _, coming = report_rows(secretariat)
    assert coming["6"]["辦理情形"].startswith("教育部（115/11/23）：已於115/11/20召開研商會議。")
    assert coming["6"]["會議決定"] == ""


def test_the_secretariats_text_keeps_its_lines_and_characters_and_shows_in_案(secretariat: Chat, moe: Chat) -> None:
    secretariat.run("辦理情形 1 教育部\n一、已召開研商會議（11/20）。\n二、轉介流程，12月函頒。")
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "教育部（秘書處修改）：一、已召開研商會議（11/20）。\n二、轉介流程，12月函頒。"
    assert "・教育部（秘書處修改，列入下次會議報告）：一、已召開研商會議（11/20）。" in moe.run("案 1")


def test_telegram_groups_correct_and_withdraw_with_latin_commands(secretariat: Chat, moe: Chat) -> None:
    moe.run("/r 1 草案（初稿）")
    assert moe.run("/correct@lieguan_bot 1 草案（定稿），已函頒。").startswith("已更正 #1")
    _, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "教育部（115/11/23）：草案（定稿），已函頒。"
    assert moe.run("/withdraw 1").startswith("已撤回 #1")
    assert report_rows(secretariat)[1]["1"]["辦理情形"] == "未回報"


def test_a_release_request_alone_is_no_未回報_anywhere(secretariat: Chat, moe: Chat) -> None:
    moe.run("建議解除 1 轉介流程已函頒各縣市。")
    assert secretariat.run("未回報") == "截至 115/11/23，仍未回報 1 案：教育部 #2；勞動部 #2。"
    summary, rows = report_rows(secretariat)
    assert rows["1"]["辦理情形"] == "教育部建議解除列管：轉介流程已函頒各縣市。" and "（未回報 1）" in summary
    reminded = secretariat.run("催辦 教育部")
    assert "#2" in reminded and "#1" not in reminded


def test_a_meeting_recorded_by_hand_keeps_its_replies_and_decisions(secretariat: Chat, moe: Chat,
                                                                    clock: Clock) -> None:
    secretariat.run("下次會議 115/11/30")
    moe.run("#1 轉介流程已函頒。")
    moe.run("#2 已召開研商會議。")
    clock.advance(days=7)  # 115/11/30: the meeting is held, then recorded by hand
    secretariat.run("會議 第1次 115/11/30")
    secretariat.run("解除列管 1")
    secretariat.run("繼續列管 2")
    summary, held = report_rows(secretariat, "1")
    assert "資料截至 115/11/29" in summary
    assert held["1"]["會議決定"] == "解除列管" and held["2"]["會議決定"] == "繼續列管"
    assert held["1"]["辦理情形"] == "教育部（115/11/23）：轉介流程已函頒。"
    _, coming = report_rows(secretariat)
    assert list(coming) == ["2"] and coming["2"]["會議決定"] == ""
    assert coming["2"]["辦理情形"] == "未回報"  # the reply before the meeting was read there
    assert "沒有教育部的回報可以更正或撤回" in moe.run("更正 #2 已召開兩次研商會議。")


def test_a_correction_handled_again_is_stored_once(moe: Chat, bot: Bot) -> None:
    moe.run("#1 初稿")
    first = moe.run("更正 #1 定稿", message_id="m-fix")
    assert moe.run("更正 #1 定稿", message_id="m-fix") == first
    assert [r.text for r in bot.store.find_case(ref="1")[0].replies] == ["初稿", "定稿"]


def test_案_lists_every_reply_oldest_first_with_its_date_and_marks(secretariat: Chat, moe: Chat,
                                                                   clock: Clock) -> None:
    moe.run("#1 第一則")
    clock.advance(days=1)
    moe.run("#1 第二則")
    moe.run("撤回 1")
    clock.advance(days=1)
    secretariat.run("#1 第三則")
    card = moe.run("案 1")
    history = card[card.index("回報紀錄："):].splitlines()[1:]
    assert history == ["・教育部 115/11/23：第一則", "・教育部 115/11/24（已撤回）：第二則",
                       "・教育部 115/11/25（秘書處代為登錄）：第三則"]
