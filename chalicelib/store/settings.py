"""An organization's messaging settings: scenario overrides and quiet hours (one item)."""
from datetime import time

from ..domain.scenarios import MessagingSettings, QuietHours, ScenarioName, ScenarioOverride
from . import keys
from .models import MessagingSettingsItem, bind

SK = "SETTINGS#messaging"


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


class MessagingSettingsRepository:
    def messaging(self, org_id: str) -> MessagingSettings:
        bind()
        try:
            return self.from_item(MessagingSettingsItem.get(keys.org(org_id), SK))
        except MessagingSettingsItem.DoesNotExist:
            return MessagingSettings()

    @staticmethod
    def from_item(item: MessagingSettingsItem) -> MessagingSettings:
        overrides = {ScenarioName(name): ScenarioOverride(**dict(o)) for name, o in item.overrides.as_dict().items()}
        return MessagingSettings(overrides, QuietHours(time.fromisoformat(item.quiet_start),
                                                       time.fromisoformat(item.quiet_end)),
                                 int(item.confirmation_followup_minutes), item.voice_origination,
                                 int(item.escalate_before_hours), int(item.hand_back_before_hours),
                                 bool(item.technician_sms_alerts),
                                 {region: QuietHours(time.fromisoformat(q["start"]), time.fromisoformat(q["end"]))
                                  for region, q in (item.quiet_hours_by_region or {}).as_dict().items()}
                                 if item.quiet_hours_by_region else {}, int(item.travel_minutes or 30))

    def save_messaging(self, org_id: str, s: MessagingSettings) -> None:
        bind()
        overrides = {name.value: {k: v for k, v in vars(o).items() if v is not None} for name, o in s.overrides.items()}
        MessagingSettingsItem(pk=keys.org(org_id), sk=SK, overrides=overrides,
                              quiet_start=_hhmm(s.quiet_hours.start), quiet_end=_hhmm(s.quiet_hours.end),
                              confirmation_followup_minutes=s.confirmation_followup_minutes,
                              voice_origination=s.voice_origination, escalate_before_hours=s.escalate_before_hours,
                              hand_back_before_hours=s.hand_back_before_hours,
                              technician_sms_alerts=s.technician_sms_alerts,
                              quiet_hours_by_region={region: {"start": _hhmm(q.start), "end": _hhmm(q.end)}
                                                     for region, q in s.quiet_hours_by_region.items()},
                              travel_minutes=s.travel_minutes).save()
