"""Bulk work in a long-running process: the cyclic garbage collector paused while it runs.

A reminder round for 10,000 chats builds about a million small objects (item views, lines,
buttons, payload dicts), none of them in reference cycles, and keeps them all until it has
enqueued them. While they pile up, CPython's collector walks the whole growing heap again and
again: a third of the round's time, for nothing to collect. Reference counting still frees
everything as usual; the collector resumes when the last bulk task ends, and catches up then.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"inside": 0, "was_enabled": False}  # bulk tasks may run in several threads at once


@contextmanager
def collector_paused() -> Iterator[None]:
    with _lock:
        if _state["inside"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["inside"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["inside"] -= 1
            if _state["inside"] == 0 and _state["was_enabled"]:
                gc.enable()
