"""The systemd unit in deploy/ is one systemd accepts, and it is the one docs/operations.md installs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]
UNIT = ROOT / "deploy" / "lieguan.service"
INSTALLED_AT = "/opt/lieguan"  # where docs/operations.md puts the repository


def settings_of(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in unit.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_restarts_on_failure_as_its_own_user_with_the_settings_file() -> None:
    unit = settings_of(UNIT.read_text(encoding="utf-8"))
    assert unit["Restart"] == ["on-failure"]
    assert unit["User"] == ["lieguan"] and unit["WorkingDirectory"] == ["/var/lib/lieguan"]
    assert unit["EnvironmentFile"] == ["/etc/lieguan/lieguan.env"]
    assert unit["ExecStart"] == [f"{INSTALLED_AT}/.venv/bin/lieguan serve"]
    docs = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "deploy/lieguan.service" in docs and "/etc/lieguan/lieguan.env" in docs


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: make test installs Debian's systemd"
    # installed as the docs say, the repository is at /opt/lieguan; here it is this checkout
    unit = tmp_path / "lieguan.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED_AT, str(ROOT)), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "lieguan.service" not in result.stderr, result.stderr  # no warning about our unit either
