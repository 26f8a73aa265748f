"""The one source of "now". The local stack swaps in a simulated clock (`set_clock`)."""
from datetime import datetime, timezone
from typing import Callable

_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


def now() -> datetime:
    return _now().astimezone(timezone.utc).replace(microsecond=0)


def set_clock(source: Callable[[], datetime]) -> None:
    global _now
    _now = source
