"""The daily backup: off by default, and when LIEGUAN_BACKUP_DIR is set, one job run by the leader."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import bot.scheduler as scheduling
from bot.app import build_runtime
from bot.scheduler import ReminderScheduler
from tests.scheduler.conftest import World


def leader_of(world: World) -> ReminderScheduler:
    runtime = build_runtime(world.bot)
    assert runtime.scheduler is not None
    return runtime.scheduler


async def test_without_a_backup_folder_no_backup_is_scheduled(world: World) -> None:
    assert world.bot.settings.backup_dir is None
    leader = leader_of(world)
    await leader.take_over()
    try:
        assert leader.scheduler is not None and leader.scheduler.get_job("backup") is None
    finally:
        await leader.stop()


async def test_the_leader_backs_up_daily_into_the_folder(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    world.bot.settings.backup_dir, world.bot.settings.backup_keep = str(folder), 2
    leader = leader_of(world)
    await leader.take_over()
    try:
        assert leader.scheduler is not None
        job = leader.scheduler.get_job("backup")
        assert (job.func_ref, str(job.trigger)) == ("bot.scheduler:backup_job", "cron[hour='3', minute='15']")
        await scheduling.backup_job()  # what APScheduler runs at 03:15 (pruning: test_backup_restore.py)
    finally:
        await leader.stop()
    [made] = folder.iterdir()
    assert made.name.startswith("lieguan-") and made.suffix == ".zip"
    with zipfile.ZipFile(made) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["engine"] == world.bot.store.engine.dialect.name
    assert manifest["tables"]["item"] == 5 and manifest["tables"]["chatbinding"] == 3


async def test_a_replica_that_does_not_lead_makes_no_backup(world: World, tmp_path: Path) -> None:
    world.bot.settings.backup_dir = str(tmp_path / "backups")
    follower = leader_of(world)  # never took over: APScheduler does not run here
    await scheduling.backup_job()
    assert not follower.leading and not (tmp_path / "backups").exists()
