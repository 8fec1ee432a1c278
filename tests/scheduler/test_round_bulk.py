"""A round read and built in bulk: the same items as everywhere else, a fixed number of statements
however many chats and items it covers, and the garbage collector paused only while it runs."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import FrozenInstanceError, asdict, fields

import pytest
from sqlalchemy import event

from bot.bulk import collector_paused
from bot.rounds import enqueue_now, plan_now
from storage.views import ItemView, item_view
from tests.conftest import bind_agency
from tests.scheduler.conftest import World

PLATFORMS = ["line", "telegram"]


def compared(view: ItemView) -> tuple[object, ...]:
    """What a round reads of an item (its meeting and source it does not need)."""
    replies = [(r.id, r.agency, r.kind, r.text, r.at, r.late, r.withdrawn, r.superseded) for r in view.replies]
    return (view.id, view.body_id, view.body, view.code, view.case, view.label, view.subject, view.text,
            view.status, view.due_next_meeting, view.due_date, view.agencies, view.warning, view.proposal,
            view.proposal_reason, replies)


def test_a_rounds_items_are_the_bodys_open_items_as_the_item_list_reads_them(world: World) -> None:
    secretariat = world.secretariat
    secretariat.run("新增 請衛生福利部會同教育部研議 主辦：衛生福利部、教育部 協辦：勞動部、保護司")  # 6
    secretariat.run("新增 請教育部統計 主辦：教育部")  # 7
    secretariat.run("解除列管 7")
    world.moe.run("#1 已召開研商會議")
    world.mohw.run("#6 測試")
    world.mohw.run("撤回 #6")
    world.mohw.run("#6 已函請各縣市政府配合辦理。")
    secretariat.run("會議 新增 第二個會議")  # a second body: labels carry the body's code
    bodies = world.bot.store.bodies()
    assert len(bodies) == 2
    first = bodies[0].id

    read = world.bot.store.round_items(body_id=first)

    listed = world.bot.store.items(body_id=first)
    assert [compared(v) for v in read] == [compared(v) for v in listed]
    assert [v.case for v in read] == ["1", "2", "3", "4", "5", "6"]
    six = read[-1]
    assert six.label == f"{bodies[0].code}6"
    assert six.agencies == (("衛生福利部", "lead"), ("教育部", "lead"), ("勞動部", "assist"),
                            ("衛生福利部保護服務司", "assist"))
    assert [(r.text, r.withdrawn) for r in six.replies] == [("測試", True), ("已函請各縣市政府配合辦理。", False)]


def test_an_item_view_built_in_bulk_equals_the_one_its_constructor_builds(world: World) -> None:
    view = world.bot.store.items()[0]
    values = {f.name: getattr(view, f.name) for f in fields(ItemView)}
    built = item_view(values)
    assert built == view and hash(built) == hash(view) and asdict(built) == asdict(view)
    with pytest.raises(FrozenInstanceError):
        built.text = "改過"  # type: ignore[misc]
    del values["source"]
    with pytest.raises(TypeError, match="18 fields, not 17"):
        item_view(values)


@contextmanager
def statements(world: World) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    engine = world.bot.store.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_round_for_more_chats_and_items_reads_and_writes_no_more_often(world: World) -> None:
    with statements(world) as small:
        enqueue_now(world.bot, plan_now(world.bot), PLATFORMS)
    for n in range(20):
        world.secretariat.run(f"新增 請教育部辦理第{n}項 主辦：教育部")
        world.secretariat.run(f"新增 請保護司辦理第{n}項 主辦：保護司")
    for n in range(5):
        bind_agency(world.secretariat, "教育部", f"line:Cmoe{n}")
        bind_agency(world.secretariat, "衛生福利部", f"telegram:-100300{n}")
    world.clock.advance(minutes=1)  # a round by hand is keyed by its minute

    with statements(world) as large:
        rounds = plan_now(world.bot)
        enqueue_now(world.bot, rounds, PLATFORMS)

    assert len(rounds[0].messages) == 12 and len(rounds[0].messages[0].item_ids) == 23
    assert len(large) == len(small)


def test_the_collector_is_paused_while_any_round_runs_and_resumes_after_the_last(world: World) -> None:
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_round() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other_round)
    with collector_paused():
        thread.start()
        inside.wait(10)
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's round is still running
    release.set()
    thread.join(10)
    assert gc.isenabled()

    enqueue_now(world.bot, plan_now(world.bot), PLATFORMS)
    assert gc.isenabled()


def test_a_collector_switched_off_before_a_round_stays_off_after_it(world: World) -> None:
    gc.disable()
    try:
        enqueue_now(world.bot, plan_now(world.bot), PLATFORMS)
        assert not gc.isenabled()
    finally:
        gc.enable()
