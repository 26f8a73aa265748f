"""The local stack runs its full garbage collections itself (devstack/collector.py): none while it works, one
at a quiet beat once the heap has grown by a quarter, one when it has settled, one at least every
FULL_AT_LEAST while it never rests; garbage cycles are still collected."""
import gc
import sys
import time

import pytest

from devstack import collector


class Cycle:
    def __init__(self):
        self.me = self


@pytest.fixture
def taken_over(monkeypatch):
    threshold = gc.get_threshold()
    full = []

    def counted(phase, info):
        if phase == "stop" and info["generation"] == 2:
            full.append(info["collected"])
    collector.take_over()
    gc.callbacks.append(counted)
    yield full
    gc.callbacks.remove(counted)
    gc.set_threshold(*threshold)
    gc.unfreeze()
    collector._last.clear()


def kept(n: int) -> list:
    """n container objects that stay alive: they go through the young generations into the oldest."""
    return [[i] for i in range(n)]


def test_no_full_collection_while_the_stack_works(taken_over):
    heap = []
    for _ in range(40):
        heap.append(kept(20_000))  # 800,000 survivors: CPython alone collects fully at each quarter's growth
        assert collector.busy() is False
    assert taken_over == []
    assert gc.get_count()[2] > 10  # what CPython's own threshold would have collected at


def test_a_quiet_beat_collects_once_the_heap_has_grown_by_a_quarter(taken_over):
    heap = [kept(1_000)]
    gc.collect(1)
    assert collector.rest() is False  # grown, but not by a quarter
    while collector._last[0][1] * collector.GROWTH > sys.getallocatedblocks():
        heap.append(kept(50_000))
    gc.collect(1)
    assert collector.rest() is True
    assert len(taken_over) == 1
    assert collector.rest() is False  # nothing has grown since


def test_a_settled_stack_collects_and_cycles_are_still_freed(taken_over):
    cycles = [Cycle() for _ in range(5_000)]
    gc.collect(1)  # they outlive the young collections, into the oldest generation
    del cycles  # garbage there: only a full collection frees it
    assert collector.rest(settled=True) is True
    assert taken_over and taken_over[-1] >= 5_000


def test_a_stack_that_never_rests_collects_at_least_every_full_at_least(taken_over, monkeypatch):
    heap = [kept(10_000)]
    gc.collect(1)
    assert collector.busy() is False
    later = time.monotonic() + collector.FULL_AT_LEAST
    monkeypatch.setattr(collector.time, "monotonic", lambda: later)
    assert collector.busy() is True
    assert len(taken_over) == 1
    assert heap


def test_nothing_changes_in_a_process_that_has_not_taken_over():
    threshold = gc.get_threshold()
    assert collector.rest(settled=True) is False and collector.busy() is False
    assert gc.get_threshold() == threshold
