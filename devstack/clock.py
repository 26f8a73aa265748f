"""The simulated clock of the local stage: real time, optionally `speed` times faster, plus a
forward-only offset (POST /dev/clock)."""
import threading
import time
from datetime import datetime, timedelta, timezone


class SimulatedClock:
    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._origin, self._real_origin = datetime.now(timezone.utc), time.monotonic()
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

    def set(self, moment: datetime) -> datetime:
        return self.advance(moment - self.now())
