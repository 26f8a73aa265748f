"""The one source of "now". The local stack swaps in a simulated clock (`set_clock`)."""
from collections.abc import Callable
from datetime import UTC, datetime


def _real() -> datetime:
    return datetime.now(UTC)


_now: Callable[[], datetime] = _real


def now() -> datetime:
    return _now().astimezone(UTC).replace(microsecond=0)


def instant() -> datetime:
    """Now to the microsecond: for pacing sends within a second (now() is whole seconds)."""
    return _now().astimezone(UTC)


def set_clock(source: Callable[[], datetime]) -> None:
    global _now
    _now = source


def reset() -> None:
    """Back to the real clock (after a test that set its own)."""
    set_clock(_real)
