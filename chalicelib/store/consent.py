"""Consent records, one partition per address (ORG#{org}#CONSENT#{address}), in the order they were written
(their time, then the writer's clock: a STOP and a START of the same instant keep their order). An inbound
STOP writes the address it came from, a text reads the address it goes to."""
import time

from ..domain.consent import ConsentEvent, ConsentRecord
from . import keys
from .models import ConsentItem, bind


def item(r: ConsentRecord) -> ConsentItem:
    return ConsentItem(pk=keys.consent(r.org_id, r.address),
                       sk=f"{r.at.isoformat(timespec='microseconds')}#{time.time_ns():020d}", org_id=r.org_id,
                       channel=r.channel, address=r.address, event=r.event.value, source=r.source, at=r.at)


def record(i: ConsentItem) -> ConsentRecord:
    return ConsentRecord(i.org_id, i.channel, i.address, ConsentEvent(i.event), i.source, i.at)


class Consents:
    def add(self, r: ConsentRecord) -> None:
        bind()
        item(r).save()

    def of_address(self, org_id: str, address: str) -> list[ConsentRecord]:
        bind()
        return [record(i) for i in ConsentItem.query(keys.consent(org_id, address))]
