"""The CLI names agencies as the chats do: shared short names list the candidates, typos get the agency meant."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import lieguan


def test_bind_code_for_a_shared_short_name_lists_the_bureaus(tmp_path: Path) -> None:
    result = lieguan("bind-code", "衛生局", cwd=tmp_path)
    assert result.returncode != 0 and result.stdout == ""
    assert "「衛生局」有好幾個機關：臺北市政府衛生局、新北市政府衛生局" in result.stderr and "請寫全名" in result.stderr


def test_bind_code_and_items_answer_a_typo_with_the_agency_meant(tmp_path: Path) -> None:
    for args in (("bind-code", "衛生福力部"), ("items", "--agency", "衛生福力部")):
        result = lieguan(*args, cwd=tmp_path)
        assert result.returncode != 0, args
        assert "找不到機關「衛生福力部」。您是不是要找：衛生福利部？" in result.stderr, args
        assert "Traceback" not in result.stderr
