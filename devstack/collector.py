"""The local stack's garbage collection, out of the requests' way.

Most of the stack's heap is the emulator's tables, streams and queues: objects that live as long as the stack.
CPython collects its oldest generation each time that has grown by a quarter, and the collection walks the whole
heap: 0.2–0.5 s of CPU at 240,000–575,000 objects (`bench/e2e_latency.py`, 2026-12-07), a pause for whichever
request, stream read or text was running: the one slow text of twenty. So once the stack has started
(`take_over`), what start-up made is frozen (it lives as long as the stack: modules, botocore's models, the demo),
the young generations are collected as before, and the full collection is the stack's to run: on a beat with
nothing to do (`rest`) once the heap has grown by a quarter (CPython's own measure, here in allocated blocks),
when `/dev/settle` has caught up, and while the stack is never idle at most every FULL_AT_LEAST seconds."""
import gc
import sys
import time

FULL_AT_LEAST = 60.0  # seconds between full collections, at most, while the stack never rests
GROWTH = 1.25  # the heap's growth since the last full collection that makes a rest collect
NEVER = 2**31 - 1  # an oldest-generation threshold CPython's own count never reaches

_last: list[tuple[float, int]] = []  # (when, allocated blocks) at the last full collection; empty: not taken over


def take_over() -> None:
    """From now on the full collection runs at `rest` (and `busy`). Start-up's objects are frozen first, without
    a collection (a fifth of a second at every start; what start-up left as garbage is a few thousand objects)."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    _collected()


def rest(settled: bool = False) -> bool:
    """A beat with nothing to do, or (`settled`) the stack just caught up: a full collection if one is due.
    Whether it ran."""
    if not _last or not gc.get_count()[2]:  # nothing has left the young generations since the last
        return False
    if settled or sys.getallocatedblocks() >= _last[0][1] * GROWTH or _overdue():
        _collect()
        return True
    return False


def busy() -> bool:
    """A beat with work: a full collection only once FULL_AT_LEAST has passed (memory stays bounded)."""
    if _last and gc.get_count()[2] and _overdue():
        _collect()
        return True
    return False


def _overdue() -> bool:
    return time.monotonic() - _last[0][0] >= FULL_AT_LEAST


def _collect() -> None:
    gc.collect()
    _collected()


def _collected() -> None:
    _last[:] = [(time.monotonic(), sys.getallocatedblocks())]
