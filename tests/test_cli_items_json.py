"""`lieguan items --json` carries each item's 案由, meeting, source, proposal and every reply (contracts.md)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import lieguan


def test_items_json_has_the_reply_history_and_the_proposal(tmp_path: Path) -> None:
    setup = "\n".join([
        "會議 新增 強化社會安全網中央跨部會平台",
        "新增 請教育部訂定轉介流程 案由：家庭教育中心轉介 主辦：教育部 期限：下次會議",
    ]) + "\n"
    assert lieguan("chat", "--as", "秘書處", cwd=tmp_path, stdin=setup).returncode == 0
    replies = "\n".join(["#1 已召開研商會議，", "#1 測試", "撤回 #1", "#1 函頒日期為12/1。",
                         "更正 #1 函頒日期為12/5（附件）。", "建議解除 1 轉介流程已函頒各縣市。"]) + "\n"
    said = lieguan("chat", "--as", "教育部", cwd=tmp_path, stdin=replies)
    assert said.returncode == 0 and "已撤回 #1" in said.stdout and "已更正 #1" in said.stdout, said.stdout
    lieguan("chat", "--as", "秘書處", cwd=tmp_path, stdin="#1 已函頒。\n擬解除 1 教育部已函頒轉介流程\n")
    result = lieguan("items", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)[0]
    assert {k: item[k] for k in ("body", "case", "text", "status", "due")} == {
        "body": "強化社會安全網中央跨部會平台", "case": "1", "text": "請教育部訂定轉介流程",
        "status": "tracking", "due": "next_meeting"}
    assert item["subject"] == "家庭教育中心轉介" and item["meeting"] is None and item["source"] is None
    assert item["proposal"] == {"kind": "release", "reason": "教育部已函頒轉介流程"}
    assert [(r["agency"], r["text"], r["kind"], r["withdrawn"]) for r in item["replies"]] == [
        ("教育部", "已召開研商會議，", "progress", False),
        ("教育部", "測試", "progress", True),
        ("教育部", "函頒日期為12/1。", "progress", False),
        ("教育部", "函頒日期為12/5（附件）。", "correction", False),
        ("教育部", "轉介流程已函頒各縣市。", "release_request", False),
        ("教育部", "已函頒。", "on_behalf", False),
    ]
    assert all(r["files"] == [] and r["at"].endswith("+08:00") for r in item["replies"])
    assert item["replies"][2]["superseded"] and item["replies"][3]["corrects"] == item["replies"][2]["id"]
    assert item["last_reply"]["text"] == "已函頒。"
