"""PostgreSQL's own client tools (pg_dump, pg_restore), found and run for backups and restores.

The newest installed version is preferred: pg_dump refuses a server newer than itself, and Debian's
/usr/bin wrapper may pick an older one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from glob import glob
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.base import StoreError
from storage.db import normalise_url

PACKAGE_HINT = ("請先安裝 PostgreSQL 用戶端工具（Debian／Ubuntu：sudo apt install postgresql-client；"
                "版本需不低於資料庫伺服器），或把 pg_dump 所在的資料夾加進 PATH。")


PLACES = ("/usr/lib/postgresql/*/bin",)  # Debian and Ubuntu keep every installed version here


class BackupError(StoreError):
    """A backup, restore or move that cannot go on; str() says why and what to do, in zh-TW."""


def find_tool(name: str, places: tuple[str, ...] = PLACES) -> str:
    """The path of a client tool, or a BackupError naming the package that provides it."""
    def version(path: str) -> int:
        found = re.search(r"postgresql/(\d+)/bin", path)
        return int(found.group(1)) if found else 0

    candidates = sorted((p for place in places for p in glob(f"{place}/{name}")), key=version, reverse=True)
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise BackupError(f"找不到 PostgreSQL 的 {name}，無法備份或還原 PostgreSQL 資料庫。{PACKAGE_HINT}")


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it (not in `ps`)."""
    parsed = make_url(normalise_url(url))
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def run_tool(name: str, args: list[str], url: str) -> subprocess.Popen[bytes]:
    target, env = libpq_target(url)
    return subprocess.Popen([find_tool(name), *args, f"--dbname={target}"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[bytes], what: str) -> None:
    """Wait for a tool; its own words (last lines of stderr) in the error when it fails."""
    _, err = process.communicate()
    if process.returncode != 0:
        tail = "\n".join(err.decode("utf-8", "replace").strip().splitlines()[-5:])
        tool = Path(str(process.args[0] if isinstance(process.args, list) else process.args)).name
        raise BackupError(f"{what}失敗（{tool} 結束碼 {process.returncode}）：\n{tail}")
