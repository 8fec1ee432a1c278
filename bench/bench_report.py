"""Rendering the report in every format at 500, 1,000, 2,000 and 4,000 items: time, peak memory, growth.

    .venv/bin/python bench/bench_report.py [--sizes 500,1000,2000,4000] [--formats docx,xlsx] [--pdf] [--files 2]

Each format and size runs in a process of its own, so that its peak resident size (ru_maxrss) is its
own: the interpreter, the format's libraries, the report's data and three renders. Time is the median
of the three renders (the first, which warms caches, is shown beside it), and the median CPU time of
this process (on a busy machine the wall time waits for other processes; the CPU time does not). The RSS before rendering
(interpreter, libraries, the data) is shown too. The last columns divide the 4,000-item figures by the
2,000-item ones: about 2 means the format grows linearly (for memory, the growth above the RSS before
rendering). Aim: 2,000 items in under 1 s and 150 MB.

PDF is left out unless --pdf is given: LibreOffice lays the .odt out page by page, which takes minutes
for 2,000 items, so it is rendered once; its own peak (the largest child process) is shown as
「LibreOffice」, and its CPU time is not in this process's.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.reports import FORMATS, render
from bot.reports.model import KEEP, RELEASE, AgencyStatus, HistoryEntry, ReportData, ReportReply, ReportRow

MODULES = {"md": "markdown"}  # the module of each format, where it is not named after it
AIM_ROWS = 2000
AIM_SECONDS = 1.0
AIM_MB = 150.0
AGENCIES = ("衛生福利部", "教育部", "勞動部", "內政部", "法務部", "原住民族委員會", "國家發展委員會")
DECISION = "請{lead}於下次會議時針對高風險家庭服務方案之辦理成效、受案類型、關懷追蹤內容、轉介機制等執行方式提出完整報告，並會同相關部會研議改善措施。"
REPLY = "已於{m}月{d}日召開跨部會研商會議，就銜接流程、轉介指標及人力配置達成共識，相關草案已送各縣市政府表示意見，預計下月底前函頒實施。"


def build(rows: int, files: int = 0) -> ReportData:
    """A report as large as a busy body's: one to three agencies an item, most answered (some twice,
    some asking for release), and the history of every reply; with `files`, each agency that answered
    attached that many 佐證 (every other one with a download link)."""
    items = []
    entries = []
    for i in range(rows):
        agencies = AGENCIES[i % 7 : i % 7 + 1 + i % 3] or AGENCIES[:1]
        lead, assists = agencies[0], agencies[1:]
        answered = agencies[: i % 4]
        at = date(2026, 5, 1) + timedelta(days=i % 30)
        statuses = tuple(
            AgencyStatus(
                a,
                tuple(
                    ReportReply(a, REPLY.format(m=at.month, d=at.day + n), at + timedelta(days=n), late=(i % 5 == 0))
                    for n in range(1 + i % 2)
                )
                if a in answered
                else (),
                release_reason="已完成並函頒各縣市。" if a in answered and i % 6 == 1 else None,
                files=tuple(f"佐證{n + 1}_{a}.pdf" for n in range(files)) if a in answered else (),
                file_links=tuple(f"https://lieguan.example/files/{i}-{n}" for n in range(0, files, 2))
                if a in answered
                else (),
            )
            for a in agencies
        )
        entries += [
            HistoryEntry(str(i + 1), r.agency, datetime(r.at.year, r.at.month, r.at.day, 10), "progress", r.text, "李先生")
            for st in statuses
            for r in st.replies
        ]
        items.append(
            ReportRow(
                case=str(i + 1),
                subject=f"第{i + 1}案　強化社會安全網跨部會合作事項",
                decision=DECISION.format(lead=lead),
                origin=f"第{1 + i % 5}次會議",
                leads=(lead,),
                assists=assists,
                statuses=statuses,
                proposal=(RELEASE, KEEP, "")[i % 3],
                proposal_reason="已依決議完成。" if i % 3 == 0 else "",
                due="下次會議" if i % 2 else "115/6/10",
            )
        )
    return ReportData(
        body="強化社會安全網中央跨部會平台",
        meeting_number=6,
        meeting_date=date(2026, 6, 10),
        cutoff=date(2026, 6, 3),
        rows=tuple(items),
        meeting_time="上午9時30分",
        history=tuple(entries),
    )


def _mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def measure(fmt: str, rows: int, files: int) -> dict[str, float]:
    """One format and size, in this process: its libraries are imported before the clock starts."""
    data = build(rows, files)
    importlib.import_module(f"bot.reports.{MODULES.get(fmt, fmt)}")
    baseline_mb = _mb(resource.RUSAGE_SELF)
    times, cpu = [], []
    for _ in range(1 if fmt == "pdf" else 3):  # LibreOffice takes minutes: one render
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(render(data, fmt))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "seconds": statistics.median(times),
        "cpu": statistics.median(cpu),
        "first": times[0],
        "rss_mb": _mb(resource.RUSAGE_SELF),
        "children_mb": _mb(resource.RUSAGE_CHILDREN),
        "baseline_mb": baseline_mb,
        "bytes": size,
    }


def _run(fmt: str, rows: int, files: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--rows", str(rows), "--format", fmt, "--files", str(files)],
                         capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def _line(fmt: str, rows: int, r: dict[str, float]) -> str:
    over = rows == AIM_ROWS and (r["seconds"] > AIM_SECONDS or r["rss_mb"] > AIM_MB)
    office = f"  LibreOffice {r['children_mb']:.0f} MB" if fmt == "pdf" else ""
    return (f"{fmt:<5}{rows:>6} 案  時間 {r['seconds']:.3f} s（首次 {r['first']:.3f} s，CPU {r['cpu']:.3f} s）  "
            f"RSS 峰值 {r['rss_mb']:.1f} MB（繪製前 {r['baseline_mb']:.1f} MB）{office}  "
            f"檔案 {r['bytes'] / 1024:.0f} KB{'  ← 超出目標' if over else ''}")


def _growth(fmt: str, results: dict[int, dict[str, float]]) -> str | None:
    if not {AIM_ROWS, 2 * AIM_ROWS} <= results.keys():
        return None
    small, large = results[AIM_ROWS], results[2 * AIM_ROWS]
    seconds, cpu = large["seconds"] / small["seconds"], large["cpu"] / small["cpu"]
    memory = (large["rss_mb"] - large["baseline_mb"]) / max(small["rss_mb"] - small["baseline_mb"], 0.1)
    return f"{fmt:<5} {2 * AIM_ROWS} 案／{AIM_ROWS} 案：時間 ×{seconds:.2f}（CPU ×{cpu:.2f}），繪製所增記憶體 ×{memory:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,1000,2000,4000", help="numbers of items, comma-separated")
    parser.add_argument("--formats", default=",".join(f for f in FORMATS if f != "pdf"))
    parser.add_argument("--pdf", action="store_true", help="also PDF (LibreOffice: minutes)")
    parser.add_argument("--files", type=int, default=0, help="佐證 per agency that answered (default 0)")
    parser.add_argument("--rows", type=int, help="measure one size in this process (internal)")
    parser.add_argument("--format", choices=FORMATS, help="measure one format in this process (internal)")
    args = parser.parse_args()
    if args.format:
        print(json.dumps(measure(args.format, args.rows or AIM_ROWS, args.files)))
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    formats = [f for f in args.formats.split(",") if f] + (["pdf"] if args.pdf else [])
    print(f"報告，各格式、各案數各自一個行程（目標：{AIM_ROWS} 案 {AIM_SECONDS:g} 秒、{AIM_MB:g} MB 以內）")
    growth = []
    for fmt in formats:
        results = {}
        for rows in sizes:
            results[rows] = _run(fmt, rows, args.files)
            print(_line(fmt, rows, results[rows]), flush=True)
        growth.append(_growth(fmt, results))
    print("\n".join(line for line in growth if line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
