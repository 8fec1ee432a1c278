"""Rendering a 500-item report in every format: time and peak memory per format.

    .venv/bin/python bench/bench_report.py [--rows 500]

Each format runs in its own process, so that its peak resident size (ru_maxrss) is its own.
Time is the median of three renders; the tracemalloc peak (Python allocations during one render)
is measured on a separate render, as tracing slows it down. lxml (python-docx, odfdo) allocates
outside Python's allocator, so for docx and odt the RSS peak is the figure that counts; the RSS
before rendering (interpreter, libraries, the data) is shown beside it. Aim: under 1 s and 150 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.reports import FORMATS, render
from bot.reports.model import KEEP, RELEASE, AgencyStatus, HistoryEntry, ReportData, ReportReply, ReportRow

AIM_SECONDS = 1.0
AIM_MB = 150.0
AGENCIES = ("衛生福利部", "教育部", "勞動部", "內政部", "法務部", "原住民族委員會", "國家發展委員會")
DECISION = "請{lead}於下次會議時針對高風險家庭服務方案之辦理成效、受案類型、關懷追蹤內容、轉介機制等執行方式提出完整報告，並會同相關部會研議改善措施。"
REPLY = "已於{m}月{d}日召開跨部會研商會議，就銜接流程、轉介指標及人力配置達成共識，相關草案已送各縣市政府表示意見，預計下月底前函頒實施。"


def build(rows: int) -> ReportData:
    """A report as large as a busy body's: 500 items, one to three agencies each, most answered
    (some twice, some asking for release), and the history of every reply."""
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


def measure(fmt: str, rows: int) -> dict[str, float]:
    data = build(rows)
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    for _ in range(3):
        start = time.perf_counter()
        size = len(render(data, fmt))
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    render(data, fmt)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": statistics.median(times),
        "first": times[0],
        "traced_mb": traced / 1024 / 1024,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
        "baseline_mb": baseline_mb,
        "bytes": size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--format", choices=FORMATS, help="measure one format in this process (internal)")
    args = parser.parse_args()
    if args.format:
        print(json.dumps(measure(args.format, args.rows)))
        return 0
    print(f"報告 {args.rows} 案，各格式各自一個行程（目標：{AIM_SECONDS:g} 秒、{AIM_MB:g} MB 以內）")
    for fmt in FORMATS:
        out = subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--format", fmt],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        over = r["seconds"] > AIM_SECONDS or r["rss_mb"] > AIM_MB
        print(
            f"{fmt:<5} 時間 {r['seconds']:.3f} s（首次 {r['first']:.3f} s）  "
            f"tracemalloc 峰值 {r['traced_mb']:.1f} MB  "
            f"RSS 峰值 {r['rss_mb']:.1f} MB（繪製前 {r['baseline_mb']:.1f} MB）  "
            f"檔案 {r['bytes'] / 1024:.0f} KB{'  ← 超出目標' if over else ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
