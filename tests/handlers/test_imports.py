"""Importing minutes in a chat: read, reviewed (ticks, conflicts), saved only on 確認匯入, and only once."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.core import Bot
from bot.messages import Attachment
from bot.minutes import extract
from handlers.import_review import ImportReview
from storage.base import StoreError
from tests.driver import Chat
from tests.minutes import bad_files

SEEDS = Path(__file__).parents[1] / "data" / "minutes"
SEED_000 = (SEEDS / "000_663eb93f7475aed5.txt").read_text(encoding="utf-8")
SEED_003 = (SEEDS / "003_fbf8b7683b8c3e1d.txt").read_text(encoding="utf-8")


def statuses(bot: Bot) -> dict[str, str]:
    return {i.case: i.status for i in bot.store.items(status="all")}


def seed_points(bot: Bot) -> list[str]:
    """The texts of the points the parser takes for decisions in seed 000, in review order: the counts
    below follow the parser, the review's own behaviour is what these tests pin down."""
    return [i.text for i in extract(SEED_000, directory=bot.directory).items]


def new_cases(bot: Bot, dropped: int = 0) -> str:
    """「新增 N 案（12–M）」: the points that renew no case, numbered after the eleven the minutes review."""
    count = sum(1 for i in extract(SEED_000, directory=bot.directory).items if not i.case) - dropped
    return f"新增 {count} 案（12–{11 + count}）"


def test_pasted_minutes_are_summarised_numbered_and_nothing_is_saved_yet(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("匯入\n" + SEED_000)  # well over the 5,000-character limit of ordinary messages
    assert "已讀取「強化社會安全網中央跨部會平台第5次會議紀錄」（109年3月11日）" in answer
    assert "解除列管 7 案（2、3、4、5、7、10、11）" in answer and "繼續列管 3 案（1、6、8）" in answer
    assert "另案處理 1 案（9）" in answer
    assert f"列管事項：勾選 {len(seed_points(bot))} 項" in answer
    assert re.search(r"\n☑ 1\.〔高 [01]\.\d\d〕衛生福利部｜案由 1 重大兒虐案件網絡合作之精進作為：請衛福部", answer)
    assert f"\n☑ {len(seed_points(bot))}.〔" in answer
    assert "・第3案：本次會議決定解除列管，但第 2 項又請衛生福利部辦理。回覆「匯入 繼續 3」或「匯入 解除 3」。" in answer
    assert "本系統沒有資料的前次列管案 7 案（2、4、5、7、10、11、9）" in answer
    assert "「匯入 勾選 3」「匯入 不要 2 5-7」" in answer and "回覆「確認匯入」存檔" in answer
    assert bot.store.items(status="all") == [] and bot.store.bodies() == []


def test_confirm_refuses_while_a_case_released_and_given_work_is_unanswered(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    answer = secretariat.run("確認匯入")
    assert answer.startswith("還不能存檔。還有 1 案需要您決定：")
    assert "第3案" in answer and "「匯入 繼續 3」或「匯入 解除 3」" in answer
    assert bot.store.bodies() == [] and bot.store.pending_import(chat=secretariat.ref.key) is not None


def test_keeping_the_case_saves_its_new_work_and_every_ticked_item(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    assert secretariat.run("匯入 繼續 3").startswith("第3案：繼續列管")
    answer = secretariat.run("確認匯入")
    assert answer.startswith(f"已存檔：{new_cases(bot)}，更新 4 案。")
    assert "前次列管案 7 案（2、4、5、7、10、11、9）本系統先前沒有資料，已依本次紀錄建立並標示待補" in answer
    body = bot.store.bodies()[0]
    assert (body.name, body.last_meeting_number, str(body.last_meeting_date)) == (
        "強化社會安全網中央跨部會平台", 5, "2020-03-11")
    assert statuses(bot)["2"] == "released" and statuses(bot)["1"] == "continued" and statuses(bot)["9"] == "other"
    three = bot.store.find_case(ref="3")[0]
    assert three.status == "continued" and three.warning is None and "脆弱家庭服務方案" in three.text
    assert bot.store.find_case(ref="6")[0].warning is None  # renewed with text and agency: complete


def test_releasing_the_case_keeps_the_release_and_leaves_its_work_untracked(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("匯入 解除 3")
    assert secretariat.run("確認匯入").startswith(f"已存檔：{new_cases(bot)}")
    three = bot.store.find_case(ref="3")[0]
    assert three.status == "released"
    assert three.text == "社福中心定位與公私部門合作模式"  # the 案由 the minutes quote, not the review sentence
    assert "脆弱家庭服務方案" not in three.text and three.warning and "待補" in three.warning


def test_a_case_the_bot_never_saw_is_recorded_with_what_the_minutes_say_and_flagged(
        secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("匯入 繼續 3")
    secretariat.run("確認匯入")
    two = bot.store.find_case(ref="2")[0]
    assert two.text == "（第5次會議紀錄未載明內容，待補）" and two.status == "released"
    assert two.warning and two.warning.startswith("待補")
    nine = bot.store.find_case(ref="9")[0]
    assert nine.leads == ["衛生福利部", "法務部"] and nine.status == "other" and nine.warning
    assert "第 9案請衛福部與法務部另行召開專案會議討論" not in nine.text
    assert "待確認：待補" in secretariat.run("案 2")


def test_a_quoted_case_title_becomes_the_text_of_an_unseen_case(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("匯入\n" + SEED_003)
    assert "第4案：本次會議決定解除列管" in answer
    secretariat.run("匯入 解除 4")
    assert secretariat.run("確認匯入").startswith("已存檔")
    two = bot.store.find_case(ref="2")[0]
    assert two.text.startswith("市民關懷服務計畫 84 案個案研析報告，請社會局邀集相關單位，納入委員建議事項")
    assert two.status == "released" and two.warning and "待補" in two.warning
    four = bot.store.find_case(ref="4")[0]
    assert four.status == "released" and four.text.startswith("有關社會安全網計畫，本市跨局處聯繫溝通平台")


def test_skipping_an_unseen_case_leaves_it_out_and_its_number_free(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("匯入 繼續 3")
    assert secretariat.run("匯入 略過 10 11").startswith("第10、11案：略過")
    answer = secretariat.run("確認匯入")
    assert new_cases(bot) in answer and "略過 2 案（10、11）" in answer
    assert "10" not in statuses(bot) and "11" not in statuses(bot) and "12" in statuses(bot)


def test_unticked_points_are_not_saved_and_can_be_ticked_again(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    points = seed_points(bot)
    answer = secretariat.run("匯入 不要 5-7 10")
    assert answer.startswith(f"已取消勾選第 5–7、10 項。\n目前勾選 {len(points) - 4} 項：1–4、8、9、11")
    assert secretariat.run("匯入 勾選 6").startswith("已勾選第 6 項。")
    secretariat.run("匯入 繼續 3")
    assert secretariat.run("確認匯入").startswith(f"已存檔：{new_cases(bot, dropped=3)}")
    texts = [i.text for i in bot.store.items(status="all")]
    assert points[5] in texts and points[4] not in texts and points[6] not in texts and points[9] not in texts


def test_unticking_the_work_given_to_a_released_case_ends_the_conflict(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    answer = secretariat.run("匯入 不要 2")
    assert "需要您決定" not in answer and "回覆「確認匯入」存檔" in answer
    assert secretariat.run("確認匯入").startswith("已存檔")
    assert statuses(bot)["3"] == "released"


def test_a_doubtful_candidate_is_shown_unticked_and_saved_once_ticked(secretariat: Chat, bot: Bot) -> None:
    found = extract(SEED_000, directory=bot.directory)
    doubtful = found.items.pop()  # as the parser gives a point it doubts: in candidates, with a reason
    doubtful.confidence, doubtful.reason = 0.35, "未在決議標題下，像是說明"
    found.candidates.insert(0, doubtful)
    bot.store.set_pending_import(chat=secretariat.ref.key, author="line:Usec", source_text=SEED_000,
                                 body="強化社會安全網中央跨部會平台",
                                 review=ImportReview.fresh(found.to_json(with_subject=True), set()).state())
    shown = secretariat.run("匯入")
    assert f"可能也是決議、請您判斷（預設不存）{len(found.candidates)} 項：" in shown
    last = len(found.items) + 1
    assert f"☐ {last}.〔低 0.35〕各部會｜請各部會檢視過往各系統間整合不足之處" in shown
    assert "理由：未在決議標題下，像是說明" in shown
    assert f"第 {last} 項（☐ 未勾選，可信度 低 0.35）" in secretariat.run(f"匯入 看 {last}")
    secretariat.run(f"匯入 勾選 {last}")
    secretariat.run("匯入 繼續 3")
    secretariat.run("確認匯入")
    assert any(i.text.startswith("請各部會檢視過往各系統間整合不足之處") for i in bot.store.items(status="all"))


def test_a_candidate_left_unticked_is_not_saved(secretariat: Chat, bot: Bot) -> None:
    found = extract(SEED_000, directory=bot.directory)
    found.candidates.insert(0, found.items.pop())
    bot.store.set_pending_import(chat=secretariat.ref.key, author="line:Usec", source_text=SEED_000,
                                 body="強化社會安全網中央跨部會平台",
                                 review=ImportReview.fresh(found.to_json(with_subject=True), set()).state())
    secretariat.run("匯入 繼續 3")
    assert secretariat.run("確認匯入").startswith(f"已存檔：{new_cases(bot, dropped=1)}")
    assert not any(i.text.startswith("請各部會檢視過往") for i in bot.store.items(status="all"))


def test_one_point_is_shown_whole(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    answer = secretariat.run("匯入 看 2")
    assert re.match(r"第 2 項（☑ 已勾選，可信度 高 [01]\.\d\d）\n案由 3 社福中心定位與公私部門合作模式：請衛福部", answer)
    assert "其他新發現議題或地方政府相關意見等提出報告。" in answer  # the whole text, not a cut line
    assert "機關：主辦：衛生福利部" in answer and "續辦：第3案" in answer and "期限：下次會議" in answer


@pytest.mark.parametrize(("command", "expected"), [
    ("匯入 勾選 99", "沒有第 99 項：編號是 1 到 "),
    ("匯入 不要 3-", "看不懂「3-」"),
    ("匯入 解除 12", "第12案沒有需要回答的問題。需要回答的是：第2案、第3案、"),
    ("匯入 解除 7", "第7案要回答的是：建立待補或略過。"),
    ("匯入 略過 3", "第3案要回答的是：繼續列管或解除列管。"),
])
def test_a_mistyped_review_command_is_explained_and_changes_nothing(
        secretariat: Chat, bot: Bot, command: str, expected: str) -> None:
    secretariat.run("匯入\n" + SEED_000)
    before = bot.store.pending_import(chat=secretariat.ref.key)
    assert expected in secretariat.run(command)
    after = bot.store.pending_import(chat=secretariat.ref.key)
    assert before is not None and after is not None and after.review == before.review


def test_review_commands_without_pending_minutes_say_so(secretariat: Chat, bot: Bot) -> None:
    assert "目前沒有等待確認的會議紀錄" in secretariat.run("匯入 勾選 3")
    assert "目前沒有等待確認的會議紀錄" in secretariat.run("確認匯入")


def test_importing_the_same_minutes_twice_changes_nothing(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("匯入 繼續 3")
    secretariat.run("確認匯入")
    before = bot.store.items(status="all")
    assert "已經匯入過了" in secretariat.run("匯入\n" + SEED_000)
    assert bot.store.pending_import(chat=secretariat.ref.key) is None
    assert bot.store.items(status="all") == before


def test_cancel_drops_the_pending_minutes(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    assert "已取消" in secretariat.run("取消")
    assert "目前沒有等待確認" in secretariat.run("確認匯入")
    assert bot.store.bodies() == []


def test_minutes_sent_as_a_file_are_offered_for_import(secretariat: Chat, bot: Bot) -> None:
    attachment = Attachment("第5次會議紀錄.txt", SEED_000.encode("utf-8"))
    answers = asyncio.run(secretariat.send("", attachment=attachment))
    assert "已讀取「強化社會安全網中央跨部會平台第5次會議紀錄」" in answers[0].text


def test_big5_minutes_are_read_and_the_secretariat_told(secretariat: Chat, bot: Bot) -> None:
    attachment = Attachment("紀錄.txt", bad_files.MINUTES.encode("big5"))
    answer = asyncio.run(secretariat.send("", attachment=attachment))[0].text
    assert "已讀取「臺北市政府社會福利委員會113年第2次會議紀錄」" in answer
    assert "・「紀錄.txt」是 Big5 編碼的文字檔，已自動轉換讀取" in answer and "UTF-8" in answer


@pytest.mark.parametrize(("filename", "build", "expected"), [
    ("列管表.xlsx", bad_files.xlsx, "「列管表.xlsx」是試算表（Excel .xlsx）"),
    ("列管表.ods", bad_files.ods, "是試算表（ODF 試算表 .ods）"),
    ("列管表.csv", bad_files.csv, "是試算表（CSV）"),
    ("會議.png", bad_files.png, "是圖片（PNG），無法讀出文字"),
    ("IMG_0001.HEIC", bad_files.heic, "是圖片（HEIC，iPhone 相片）"),
    ("掃描.pdf", bad_files.blank_pdf, "是掃描影像，沒有可讀取的文字"),
    ("紀錄.txt", bytes, "是空的檔案"),
])
def test_a_file_that_is_not_readable_minutes_gets_a_polite_answer_and_nothing_is_kept(
        secretariat: Chat, bot: Bot, filename: str, build: object, expected: str) -> None:
    assert callable(build)
    answers = asyncio.run(secretariat.send("", attachment=Attachment(filename, build())))
    assert len(answers) == 1 and expected in answers[0].text
    assert "沒有匯入，也沒有存任何東西" in answers[0].text
    assert bot.store.bodies() == [] and bot.store.pending_import(chat=secretariat.ref.key) is None


def test_text_without_decisions_saves_nothing(secretariat: Chat, bot: Bot) -> None:
    answer = secretariat.run("匯入 今天天氣很好，大家辛苦了。")
    assert "找不到決議" in answer and bot.store.bodies() == []


def test_contacts_cannot_import(secretariat: Chat, bot: Bot) -> None:
    contact = Chat(bot, "line:Cother")
    assert "尚未綁定" in contact.run("匯入\n" + SEED_000[:1000])


def test_the_store_refuses_a_release_given_work_without_an_answer_and_saves_nothing(bot: Bot) -> None:
    found = extract(SEED_000, directory=bot.directory).to_json(with_subject=True)
    with pytest.raises(StoreError, match="第3案本次決定解除列管，卻又交辦新工作"):
        bot.store.apply_minutes(extraction=found, body="強化社會安全網中央跨部會平台", digest="d", actor="t", chat=None)
    assert bot.store.bodies() == [] and bot.store.items(status="all") == []


def test_review_commands_work_in_english_and_with_fullwidth_digits(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    assert secretariat.run("/import untick ２ ５－７").startswith("已取消勾選第 2、5–7 項。")
    assert secretariat.run("匯入 勾選２").startswith("已勾選第 2 項。")
    assert secretariat.run("/import keep 3").startswith("第3案：繼續列管")
    assert secretariat.run("/import show 1").startswith("第 1 項（☑ 已勾選")


def test_everything_can_be_ticked_or_answered_at_once(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    assert secretariat.run("匯入 勾選 全部").startswith("已勾選全部。")
    pending = bot.store.pending_import(chat=secretariat.ref.key)
    assert pending is not None and pending.review is not None
    assert len(pending.review["ticked"]) == len(pending.review["extraction"]["items"]) + len(
        pending.review["extraction"]["candidates"])
    assert secretariat.run("匯入 略過 全部").startswith("全部：略過，不記錄。")
    assert "一次最多看 10 項" in secretariat.run("匯入 看 1-11")
    assert "沒有可以回答「繼續列管」的案" not in secretariat.run("匯入 繼續 全部")
    answer = secretariat.run("確認匯入")
    assert answer.startswith("已存檔") and "略過 7 案" in answer


def test_a_docx_review_table_gives_an_unseen_case_its_title(secretariat: Chat, bot: Bot) -> None:
    import io

    import docx

    document = docx.Document()
    for line in ["臺北市政府家庭暴力及性侵害防治委員會113年第2次會議紀錄", "時間：113年6月4日（星期二）上午10時",
                 "主席：李副市長四川        紀錄：周小芳", "壹、上次會議決議事項辦理情形"]:
        document.add_paragraph(line)
    rows = [["編號", "決議事項", "主辦單位", "辦理情形", "會議決定"],
            ["1", "加害人處遇執行率檢討", "衛生局", "已完成檢討報告。", "同意解除列管"],
            ["2", "校園性平事件通報時效", "教育局", "持續宣導中。", "繼續列管，請教育局於下次會議報告通報時效統計"]]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    answer = asyncio.run(secretariat.send("", attachment=Attachment("第2次會議紀錄.docx", out.getvalue())))[0].text
    assert "已讀取「臺北市政府家庭暴力及性侵害防治委員會113年第2次會議紀錄」" in answer
    assert secretariat.run("確認匯入").startswith("已存檔")
    one = bot.store.find_case(ref="1")[0]
    assert one.text == "加害人處遇執行率檢討" and one.status == "released" and one.warning
    two = bot.store.find_case(ref="2")[0]
    assert two.status == "continued" and two.text.startswith("繼續列管，請教育局") and two.warning is None


def test_an_unseen_case_completed_with_text_and_agency_loses_its_flag(secretariat: Chat, bot: Bot) -> None:
    secretariat.run("匯入\n" + SEED_000)
    secretariat.run("匯入 繼續 3")
    secretariat.run("確認匯入")
    assert secretariat.run("指派 2 教育部") == "#2 主辦：教育部。"  # still 「未載明內容」: not complete
    assert bot.store.find_case(ref="2")[0].warning
    assert secretariat.run("修改 2 請教育部研議轉介流程").endswith("已補齊，取消待補標示。")
    assert bot.store.find_case(ref="2")[0].warning is None
