"""`lieguan import FILE` as a secretary uses it: reviewed in a terminal, or from a script with --yes."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from bot.cli_review import run, show
from handlers.import_review import ImportReview
from tests.minutes import bad_files

LIEGUAN = str(Path(sys.executable).parent / "lieguan")
SEED = Path(__file__).parent / "data" / "minutes" / "000_663eb93f7475aed5.txt"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("LIEGUAN_")} | {"COLUMNS": "120"}


def lieguan(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([LIEGUAN, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=environment(), timeout=120)


def saved(cwd: Path) -> dict[str, dict[str, object]]:
    items = json.loads(lieguan("items", "--json", "--status", "all", cwd=cwd).stdout)
    return {i["case"]: i for i in items}


def dry_run(path: Path, cwd: Path) -> dict[str, object]:
    result = lieguan("import", str(path), "--dry-run", "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout)
    return found


class Terminal:
    """`lieguan` on a pseudo-terminal: answers are typed once the prompt they answer is on screen."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 120, 0, 0))
        self.process = subprocess.Popen([LIEGUAN, *args], cwd=cwd, stdin=slave, stdout=slave,
                                        stderr=subprocess.PIPE, env=environment())
        os.close(slave)
        self.screen = ""
        self.mark = 0  # where the output after the last answer begins
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the program ended and closed its side
                return
            if not chunk:
                return
            self.screen += chunk.decode("utf-8", errors="replace")

    def type_after(self, prompt: str, answer: str) -> None:
        deadline = time.monotonic() + 60
        while prompt not in ANSI.sub("", self.screen[self.mark:]) and time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        assert prompt in ANSI.sub("", self.screen[self.mark:]), f"never asked {prompt!r}:\n{self.screen[-3000:]}"
        self.mark = len(self.screen)
        os.write(self.master, (answer + "\n").encode())

    def finish(self, eof: bool = False) -> tuple[int, str, str]:
        if eof:
            os.write(self.master, b"\x04")
        code = self.process.wait(timeout=60)
        self.reader.join(timeout=5)
        os.close(self.master)
        assert self.process.stderr is not None
        return code, ANSI.sub("", self.screen), self.process.stderr.read().decode()


TICKS = "直接按 Enter 進入下一步。"
CONFLICT = "請輸入 1 或 2"
UNSEEN = "請輸入 1、2 或 3（直接按 Enter＝1）："
CONFIRM = "確定存檔嗎？"


# ---- the contract, unchanged: --dry-run --json asks nothing and needs no database ---------------

def test_dry_run_json_keeps_the_contract_and_needs_no_database(tmp_path: Path) -> None:
    extraction = dry_run(SEED, tmp_path)
    assert set(extraction) == {"meeting", "reviews", "items", "candidates", "warnings"}
    items = extraction["items"]
    assert isinstance(items, list) and items
    assert all({"confidence", "reason"} <= set(i) and 0 <= i["confidence"] <= 1 for i in items)
    assert not (tmp_path / "data").exists()


def column(screen: str, k: int) -> str:
    """A column of the review's tables, its wrapped lines joined without spaces."""
    return "".join("".join(line.split("│")[k].split()) for line in screen.splitlines() if line.count("│") == 6)


def test_dry_run_shows_every_point_whole_and_numbered_with_its_confidence(tmp_path: Path) -> None:
    extraction = dry_run(SEED, tmp_path)
    shown = lieguan("import", str(SEED), "--dry-run", cwd=tmp_path).stdout
    content = column(shown, 3)
    assert isinstance(extraction["items"], list)
    for n, item in enumerate(extraction["items"], 1):
        assert "".join(item["text"].split()) in content  # wrapped, never cut
        assert re.search(rf"│ +{n} │ ☑ ", shown)
    assert re.search(r"高 [01]\.\d\d", shown)
    assert "需要回答 1 題：" in shown and "第3案：本次會議決定解除列管，但第 2 項又請衛生福利部辦理。" in shown
    assert not (tmp_path / "data").exists()


# ---- --yes: only what is ticked, never past an unanswered conflict --------------------------

def test_yes_refuses_with_the_reason_while_a_conflict_is_unanswered(tmp_path: Path) -> None:
    result = lieguan("import", str(SEED), "--yes", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "還有 1 案需要決定，沒有存檔" in result.stderr and "第3案" in result.stderr
    assert "--resolve keep" in result.stderr and "--resolve 3=keep" in result.stderr
    assert saved(tmp_path) == {}


def test_yes_with_resolve_keep_tracks_the_new_work_under_the_case(tmp_path: Path) -> None:
    result = lieguan("import", str(SEED), "--yes", "--resolve", "keep", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "已存檔：新增" in result.stdout and "標示待補" in result.stdout
    cases = saved(tmp_path)
    assert cases["3"]["status"] == "continued" and "脆弱家庭服務方案" in str(cases["3"]["text"])
    assert cases["2"]["status"] == "released" and cases["2"]["text"] == "（第5次會議紀錄未載明內容，待補）"


def test_yes_with_resolve_release_for_one_case_keeps_the_release(tmp_path: Path) -> None:
    result = lieguan("import", str(SEED), "--yes", "--resolve", "3=release", "--resolve", "skip", "--json",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["skipped"] == ["2", "4", "5", "7", "10", "11", "9"] and answer["backfilled"] == ["3"]
    cases = saved(tmp_path)
    assert cases["3"]["status"] == "released" and cases["3"]["text"] == "社福中心定位與公私部門合作模式"
    assert "2" not in cases and "12" in cases  # new items still numbered after the minutes' own cases


def test_a_mistyped_resolve_is_explained(tmp_path: Path) -> None:
    result = lieguan("import", str(SEED), "--yes", "--resolve", "maybe", cwd=tmp_path)
    assert result.returncode == 1 and "--resolve 看不懂「maybe」" in result.stderr
    result = lieguan("import", str(SEED), "--yes", "--resolve", "7=keep", cwd=tmp_path)
    assert result.returncode == 1 and "第7案要回答的是：建立待補或略過" in result.stderr
    assert saved(tmp_path) == {}


def test_json_without_yes_does_not_ask_and_saves_nothing(tmp_path: Path) -> None:
    result = lieguan("import", str(SEED), "--json", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == "" and "--json 不會逐項詢問" in result.stderr


def test_without_yes_or_a_terminal_nothing_is_saved(tmp_path: Path) -> None:
    result = lieguan("import", str(SEED), "--resolve", "keep", cwd=tmp_path)
    assert result.returncode == 1 and "未確認，沒有存檔" in result.stderr
    assert saved(tmp_path) == {}


# ---- the review in a terminal ----------------------------------------------------------------

def test_a_terminal_review_unticks_answers_and_saves_what_is_ticked(tmp_path: Path) -> None:
    points = dry_run(SEED, tmp_path)["items"]
    assert isinstance(points, list)
    terminal = Terminal("import", str(SEED), cwd=tmp_path)
    terminal.type_after(TICKS, "取消 5-7")
    terminal.type_after(TICKS, "勾選 6")
    terminal.type_after(TICKS, "10")  # a bare number toggles
    terminal.type_after(TICKS, "")
    terminal.type_after(CONFLICT, "1")  # 第3案：繼續列管
    terminal.type_after(UNSEEN, "")  # every unseen case: 建立待補
    terminal.type_after(CONFIRM, "是")
    code, screen, errors = terminal.finish()
    assert code == 0, errors + screen[-2000:]
    assert "目前勾選" in screen and "將存入「強化社會安全網中央跨部會平台」" in screen
    assert "・第3案：繼續列管" in screen and "・第2案：建立待補" in screen and "已存檔：新增" in screen
    texts = [str(i["text"]) for i in saved(tmp_path).values()]
    assert points[5]["text"] in texts
    assert points[4]["text"] not in texts and points[6]["text"] not in texts and points[9]["text"] not in texts
    assert saved(tmp_path)["3"]["status"] == "continued"


def test_a_mistyped_answer_is_asked_again(tmp_path: Path) -> None:
    terminal = Terminal("import", str(SEED), cwd=tmp_path)
    terminal.type_after(TICKS, "99")
    terminal.type_after(TICKS, "")
    terminal.type_after(CONFLICT, "也許")
    terminal.type_after(CONFLICT, "2")  # 第3案：解除列管
    terminal.type_after(UNSEEN, "3")  # one by one
    for _ in range(7):
        terminal.type_after(CONFLICT, "2")  # 略過
    terminal.type_after(CONFIRM, "是")
    code, screen, errors = terminal.finish()
    assert code == 0, errors + screen[-2000:]
    assert "沒有第 99 項" in screen and "請輸入 1 或 2。" in screen
    cases = saved(tmp_path)
    assert cases["3"]["status"] == "released" and "2" not in cases and "9" not in cases


@pytest.mark.parametrize("leave", ["放棄", "否", "EOF"])
def test_leaving_the_review_saves_nothing(tmp_path: Path, leave: str) -> None:
    terminal = Terminal("import", str(SEED), cwd=tmp_path)
    if leave == "放棄":
        terminal.type_after(TICKS, "放棄")
    elif leave == "否":
        terminal.type_after(TICKS, "")
        terminal.type_after(CONFLICT, "1")
        terminal.type_after(UNSEEN, "1")
        terminal.type_after(CONFIRM, "否")
    code, _, errors = terminal.finish(eof=leave == "EOF")
    assert code == 1 and "沒有存檔" in errors and "Traceback" not in errors
    assert saved(tmp_path) == {}


# ---- files that are not minutes: the same messages as in chat, on stderr ----------------------

@pytest.mark.parametrize(("name", "content", "expected"), [
    ("列管表.xlsx", bad_files.xlsx(), "是試算表（Excel .xlsx）"),
    ("列管表.ods", bad_files.ods(), "是試算表（ODF 試算表 .ods）"),
    ("列管表.csv", bad_files.csv(), "是試算表（CSV）"),
    ("照片.png", bad_files.png(), "是圖片（PNG），無法讀出文字"),
    ("照片.jpg", bad_files.jpeg(), "是圖片（JPEG）"),
    ("IMG_0001.heic", bad_files.heic(), "是圖片（HEIC，iPhone 相片）"),
    ("掃描.pdf", bad_files.blank_pdf(), "是掃描影像，沒有可讀取的文字"),
    ("空白.txt", b"", "是空的檔案"),
    ("亂碼.txt", bad_files.MINUTES.encode("gb18030"), "文字編碼無法辨識"),
])
def test_a_file_that_is_not_readable_minutes_is_refused_on_stderr(
        tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = lieguan("import", str(path), "--dry-run", "--json", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"錯誤：「{name}」") and expected in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "data").exists()


def test_a_spreadsheet_is_refused_before_anything_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "列管表.txt"
    path.write_bytes(bad_files.xlsx())
    result = lieguan("import", str(path), "--yes", "--resolve", "keep", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == "" and "是試算表（Excel .xlsx）" in result.stderr
    assert saved(tmp_path) == {}


@pytest.mark.parametrize(("encoding", "name"), [("big5", "Big5"), ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16")])
def test_big5_and_utf16_minutes_are_read_and_the_warning_says_so(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "紀錄.txt"
    path.write_bytes(bad_files.MINUTES.encode(encoding))
    extraction = dry_run(path, tmp_path)
    meeting = extraction["meeting"]
    assert isinstance(meeting, dict) and meeting["title"] == "臺北市政府社會福利委員會113年第2次會議紀錄"
    warnings = extraction["warnings"]
    assert isinstance(warnings, list) and f"「紀錄.txt」是 {name} 編碼的文字檔，已自動轉換讀取" in warnings[0]
    assert "UTF-8" in warnings[0]


# ---- the terminal review's own steps, in process (the same functions the command runs) -----------

def review_with_a_candidate() -> ImportReview:
    from bot.minutes import extract
    from config.directory import AgencyDirectory

    found = extract(bad_files.MINUTES, directory=AgencyDirectory.load_default())
    doubtful = found.items[-1]
    doubtful.confidence, doubtful.reason = 0.3, "在說明段落裡，不像決議"
    found.candidates.append(doubtful)
    found.items = found.items[:-1]
    return ImportReview.fresh(found.to_json(with_subject=True), set())


def test_candidates_are_shown_unticked_with_their_reason_after_the_likely_points() -> None:
    review = review_with_a_candidate()
    console = Console(file=io.StringIO(), width=120, color_system=None)
    show(review, console)
    screen = console.file.getvalue()  # type: ignore[attr-defined]
    assert "可能也是決議的候選事項 1 項（預設不勾選，請判斷）" in screen
    last = len(review.entries)
    assert re.search(rf"│ +{last} │ ☐ +│ 請社會局於會後1週內函送訓練計畫", screen)
    assert "低 0.30" in screen and "在說明段落裡，不像決議" in column(screen, 5)


def test_a_candidate_ticked_in_the_terminal_is_what_is_saved() -> None:
    review = review_with_a_candidate()
    last = len(review.entries)
    answers = iter([f"勾選 {last}", "", "是"])
    console = Console(file=io.StringIO(), width=120, color_system=None)
    assert run(review, "臺北市政府社會福利委員會", console, ask=lambda _: next(answers)) is True
    chosen, _ = review.chosen(bad_files.MINUTES)
    assert [i["text"] for i in chosen["items"]] == [e["text"] for e in review.entries]


def test_a_docx_whose_review_names_unseen_cases_records_them_as_the_minutes_say(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in ["新北市政府社會福利推動委員會114年第3次會議紀錄", "時間：114年5月6日（星期二）下午2時",
                 "主席：陳副市長　　紀錄：林小姐", "壹、上次會議決議事項辦理情形",
                 "一、第3案：推動社區關懷據點擴點計畫。辦理情形：已完成擴點。", "二、第4案：辦理情形：已函復。",
                 "決定：第3案、第4案解除列管。",
                 "貳、討論事項", "案由一：兒少保護通報研習案。（提案單位：社會局）",
                 "決議：請社會局於會後1週內函送研習計畫。"]:
        document.add_paragraph(line)
    path = tmp_path / "第3次會議紀錄.docx"
    document.save(str(path))
    result = lieguan("import", str(path), "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    cases = saved(tmp_path)
    assert cases["3"]["text"] == "推動社區關懷據點擴點計畫" and cases["3"]["status"] == "released"
    assert cases["4"]["text"] == "（第3次會議紀錄未載明內容，待補）" and cases["4"]["status"] == "released"
    assert any(c["text"] == "請社會局於會後1週內函送研習計畫。" for c in cases.values())
