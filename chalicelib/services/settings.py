"""The dispatcher's message scenarios: on/off, template and lead time per scenario, and quiet hours."""
from dataclasses import replace

from ..domain.people import Role
from ..domain.scenarios import DEFAULTS, MessagingSettings, QuietHours, ScenarioName, ScenarioOverride
from ..domain.segments import outside_gsm7
from ..notify import templates
from .access import Caller
from .repositories import Repositories


def messaging(repos: Repositories, caller: Caller) -> MessagingSettings:
    caller.require(Role.DISPATCHER)
    return repos.settings.messaging(caller.org_id)


def update_messaging(repos: Repositories, caller: Caller, scenarios: dict[str, dict], quiet_hours: QuietHours | None,
                     other: dict | None = None) -> MessagingSettings:
    """Merge the given fields over the stored overrides (a null field returns to the default); a bad
    template is refused and the stored one stays."""
    caller.require(Role.DISPATCHER)
    updated = _merged(repos.settings.messaging(caller.org_id), scenarios, quiet_hours, other)
    repos.settings.save_messaging(caller.org_id, replace(updated, overrides={
        n: o for n, o in updated.overrides.items() if any(v is not None for v in vars(o).values())}))
    return updated


def preview(repos: Repositories, caller: Caller, scenarios: dict[str, dict], quiet_hours: QuietHours | None,
            other: dict | None = None) -> list[dict]:
    """What each scenario of a PUT with these fields would say on realistic values (notify/templates.SAMPLE), its
    SMS size and its longest branch's; refused exactly as that PUT would be. Nothing is stored."""
    caller.require(Role.DISPATCHER)
    updated = _merged(repos.settings.messaging(caller.org_id), scenarios, quiet_hours, other)
    out = []
    for name in scenarios:
        scenario = updated.scenario(ScenarioName(name))
        first, longest = templates.preview(scenario, scenario.template, f"scenarios.{name}.template")
        out.append({"name": name, "enabled": scenario.enabled, "template": scenario.template,
                    "lead_time_minutes": scenario.lead_time_minutes, "preview": _sized(*first),
                    "longest": _sized(*longest),
                    "values": {k: templates.SAMPLE[k] for k in sorted(scenario.variables) if k in templates.SAMPLE}})
    return out


def _merged(current: MessagingSettings, scenarios: dict[str, dict], quiet_hours: QuietHours | None,
            other: dict | None) -> MessagingSettings:
    """The settings with the given fields over the stored ones; a template the scenario cannot render, or a
    lead time on an untimed scenario, refused naming its field."""
    overrides = dict(current.overrides)
    for name, fields in scenarios.items():
        merged = {**vars(overrides.get(ScenarioName(name), ScenarioOverride())), **fields}
        overrides[ScenarioName(name)] = ScenarioOverride(**merged)
    updated = replace(current, overrides=overrides, quiet_hours=quiet_hours or current.quiet_hours, **(other or {}))
    for name in scenarios:
        scenario = updated.scenario(ScenarioName(name))  # refuses a lead time on an untimed scenario
        templates.check(scenario, scenario.template, f"scenarios.{name}.template")
    return updated


def _sized(text: str, size) -> dict:
    return {"text": text, "segments": size.segments, "encoding": size.encoding, "characters": size.units,
            "not_gsm7": list(outside_gsm7(text))}


def describe(s: MessagingSettings) -> dict:
    out = []
    for name in DEFAULTS:
        scenario = s.scenario(name)
        size = templates.check(scenario, scenario.template)
        out.append({"name": name.value, "enabled": scenario.enabled, "template": scenario.template,
                    "lead_time_minutes": scenario.lead_time_minutes, "urgent": scenario.urgent,
                    "variables": sorted(scenario.variables), "customized": name in s.overrides,
                    "segments": size.segments, "encoding": size.encoding, "characters": size.units})
    q = s.quiet_hours
    return {"scenarios": out, "quiet_hours": _hours(q),
            "quiet_hours_by_region": {region: _hours(h) for region, h in sorted(s.quiet_hours_by_region.items())},
            "confirmation_followup_minutes": s.confirmation_followup_minutes,
            "voice_origination": s.voice_origination, "escalate_before_hours": s.escalate_before_hours,
            "hand_back_before_hours": s.hand_back_before_hours, "technician_sms_alerts": s.technician_sms_alerts,
            "travel_minutes": s.travel_minutes}


def _hours(q: QuietHours) -> dict:
    return {"start": q.start.strftime("%H:%M"), "end": q.end.strftime("%H:%M")}
