"""Send rates per origination identity (`RATE#{identity}`): the parts per second it may send (set by an
operator when the carrier grants more or less than the default of its kind), and what the drainer sent
in its last second, so the next drainer run goes on from there instead of starting a fresh second."""
from collections import deque

from pynamodb.attributes import ListAttribute, NumberAttribute

from ..domain.pacing import SendWindow, default_rate
from .models import Entity, bind


class RateItem(Entity, discriminator="send_rate"):
    parts_per_second = NumberAttribute(null=True)  # none: the default of the identity's kind
    recent = ListAttribute(of=NumberAttribute, default=list)  # flattened (time, parts) pairs of the last second
    paused_until = NumberAttribute(default=0)


def _key(identity: str) -> tuple[str, str]:
    return f"RATE#{identity}", "RATE"


class SendRates:
    def window(self, identity: str) -> SendWindow:
        bind()
        try:
            item = RateItem.get(*_key(identity))
        except RateItem.DoesNotExist:
            return SendWindow(default_rate(identity))
        pairs = list(item.recent or [])
        return SendWindow(float(item.parts_per_second or default_rate(identity)),
                          deque(zip(pairs[::2], map(int, pairs[1::2]), strict=False)), float(item.paused_until or 0))

    def keep(self, identity: str, window: SendWindow, now: float) -> None:
        """What the next run must know: the sends of the last second and any back-off (one write)."""
        bind()
        recent = [n for at, parts in window.recent if at > now - 1.0 for n in (at, parts)]
        RateItem(*_key(identity)).update(actions=[RateItem.recent.set(recent),
                                                  RateItem.paused_until.set(window.paused_until)])

    def set_rate(self, identity: str, parts_per_second: float | None) -> None:
        bind()
        action = RateItem.parts_per_second.set(parts_per_second) if parts_per_second else \
            RateItem.parts_per_second.remove()
        RateItem(*_key(identity)).update(actions=[action])
