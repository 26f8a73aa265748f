"""The simulated clock of the local stage: real time plus a forward-only offset."""
import threading
from datetime import datetime, timedelta, timezone


class SimulatedClock:
    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset

    def advance(self, by: timedelta) -> datetime:
        if by < timedelta():
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += by
        return self.now()

    def set(self, moment: datetime) -> datetime:
        return self.advance(moment - self.now())
