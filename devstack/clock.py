"""The simulated clock of the local stage: from a start time (default: the real time), running at
`speed` times real time, plus a forward-only offset (POST /dev/clock)."""
import threading
import time
from datetime import UTC, datetime, timedelta


class SimulatedClock:
    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        self.speed = speed
        self._origin, self._real_origin = start or datetime.now(UTC), time.monotonic()
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._real_origin) * self.speed
        return self._origin + timedelta(seconds=elapsed) + self._offset

    def advance(self, by: timedelta) -> datetime:
        if by < timedelta():
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += by
        return self.now()

    def start_at(self, moment: datetime, speed: float) -> None:
        """Before anything has read the clock: where simulated time begins, and how fast it runs."""
        with self._lock:
            self.speed, self._origin, self._real_origin = speed, moment, time.monotonic()

    def set(self, moment: datetime) -> datetime:
        return self.advance(moment - self.now())
