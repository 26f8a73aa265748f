"""Message scenario settings."""
from datetime import time

from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from ..domain.values import subdivision
from .routing import Call, endpoint

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/settings/scenarios", "Message scenarios with their segments on sample values",
          roles=(Role.DISPATCHER,), response="settings_schemas.ScenariosOut")
def get_scenarios(call: Call):
    from ..services import settings
    return settings.describe(settings.messaging(bootstrap.repos(), call.caller))


@endpoint(bp, "PUT", "/settings/scenarios", "Turn scenarios on or off, change templates, lead times, quiet hours",
          roles=(Role.DISPATCHER,), body="settings_schemas.ScenariosIn", response="settings_schemas.ScenariosOut")
def put_scenarios(call: Call):
    from ..services import settings
    return settings.describe(settings.update_messaging(bootstrap.repos(), call.caller, *_changes(call.body)))


@endpoint(bp, "POST", "/settings/scenarios/preview", "What a PUT /settings/scenarios body would make each of its "
          "scenarios say on realistic values, with the SMS segments and encoding of it and of its longest branch; "
          "refused as that PUT would be; nothing stored", roles=(Role.DISPATCHER,), body="settings_schemas.ScenariosIn",
          response="settings_schemas.PreviewOut")
def preview_scenarios(call: Call):
    from ..services import settings
    return {"scenarios": settings.preview(bootstrap.repos(), call.caller, *_changes(call.body))}


def _changes(b) -> tuple[dict, object, dict]:
    """A ScenariosIn as the service takes it: the scenarios' fields, the quiet hours, the other figures."""
    from ..domain.scenarios import QuietHours
    changes = {name: patch.model_dump(exclude_unset=True) for name, patch in b.scenarios.items()}
    quiet = QuietHours(time.fromisoformat(b.quiet_hours.start), time.fromisoformat(b.quiet_hours.end)) \
        if b.quiet_hours else None
    extra = b.model_dump(include={"confirmation_followup_minutes", "voice_origination", "escalate_before_hours",
                                  "hand_back_before_hours", "technician_sms_alerts", "travel_minutes"},
                         exclude_unset=True)
    if b.quiet_hours_by_region is not None:
        extra["quiet_hours_by_region"] = {
            subdivision(f"quiet_hours_by_region.{region}", region):
                QuietHours(time.fromisoformat(h.start), time.fromisoformat(h.end))
            for region, h in b.quiet_hours_by_region.items()}
    return changes, quiet, extra


@endpoint(bp, "GET", "/settings/branding", "How the customer's pages look", roles=(Role.DISPATCHER,),
          response="settings_schemas.BrandingOut")
def get_branding(call: Call):
    from ..services import people
    org = people.organization(bootstrap.repos(), call.caller)
    return {"brand_color": org.brand_color, "logo_url": org.logo_url}


@endpoint(bp, "PUT", "/settings/branding", "Colour (#RRGGBB) and https logo of the customer's pages",
          roles=(Role.DISPATCHER,), body="settings_schemas.BrandingIn", response="settings_schemas.BrandingOut")
def put_branding(call: Call):
    from ..services import people
    org = people.set_branding(bootstrap.repos(), call.caller, call.body.brand_color, call.body.logo_url)
    return {"brand_color": org.brand_color, "logo_url": org.logo_url}
