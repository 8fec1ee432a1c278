"""Every real LINE webhook body we have (tests/data/payloads/line/) is accepted or politely ignored."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from storage.models import ProcessedEvent
from tests.channels.line.conftest import Line

SAMPLES = sorted((Path(__file__).parents[2] / "data" / "payloads" / "line").rglob("*.json"))


async def test_every_real_sample_is_accepted_or_politely_ignored(line: Line) -> None:
    assert len(SAMPLES) == 32
    for sample in SAMPLES:
        response = await line.post(body=sample.read_bytes())
        assert response.status == 200, f"{sample.name}: {response.status} {await response.text()}"
    await line.settle()
    with Session(line.bot.store.engine) as s:
        statuses = {e.key: e.status for e in s.exec(select(ProcessedEvent))}
    assert statuses and set(statuses.values()) == {"done"}, statuses
