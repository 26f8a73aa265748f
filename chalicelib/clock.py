"""The one source of "now". The local stack swaps in a simulated clock (`set_clock`)."""
from datetime import datetime, timezone
from typing import Callable

def _real() -> datetime:
    return datetime.now(timezone.utc)


_now: Callable[[], datetime] = _real


def now() -> datetime:
    return _now().astimezone(timezone.utc).replace(microsecond=0)


def instant() -> datetime:
    """Now to the microsecond: for pacing sends within a second (now() is whole seconds)."""
    return _now().astimezone(timezone.utc)


def set_clock(source: Callable[[], datetime]) -> None:
    global _now
    _now = source


def reset() -> None:
    """Back to the real clock (after a test that set its own)."""
    set_clock(_real)
