"""Request and response models of the scenario and branding settings (api/settings.py); also the
OpenAPI document's schemas."""
from typing import Annotated

from pydantic import Field

from ..domain.scenarios import ScenarioName
from .schemas import In, Model, Phone, Region, one_of

ScenarioKey = one_of(ScenarioName)
HourMinute = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class ScenarioPatch(In):
    """A field set to null returns to the shipped default."""
    enabled: bool | None = None
    template: Annotated[str, Field(min_length=1, max_length=1600)] | None = None
    lead_time_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] | None = None


class QuietHoursIn(In):
    start: HourMinute
    end: HourMinute


class ScenariosIn(In):
    """The fields to change: `voice_origination` may be null (no voice messages); the others may be left
    out but not null."""
    scenarios: dict[ScenarioKey, ScenarioPatch] = {}
    quiet_hours: QuietHoursIn = None
    quiet_hours_by_region: dict[Region, QuietHoursIn] = Field(
        default=None, description="the organization's own quiet hours for places (ISO 3166-2), over the shipped "
                                  "rules of docs/quiet-hours.md; the whole map is replaced")
    confirmation_followup_minutes: Annotated[int, Field(ge=15, le=24 * 60)] = None
    voice_origination: Phone | None = None
    escalate_before_hours: Annotated[int, Field(ge=1, le=24 * 14)] = Field(
        default=None, description="escalate no earlier than this long before the window (default 48)")
    hand_back_before_hours: Annotated[int, Field(ge=0, le=24 * 14)] = Field(
        default=None, description="hand back to sales this long before the window (default 24)")
    technician_sms_alerts: bool = Field(
        default=None, description="text the assigned technician when the customer writes (at most one text "
                                  "per job per 15 minutes; default off)")
    travel_minutes: Annotated[int, Field(ge=1, le=240)] = Field(
        default=None, description="the drive between two visits when no distance is known, for the narrowed "
                                  "arrival window (default 30)")


class ScenarioOut(Model):
    name: str
    enabled: bool
    template: str
    lead_time_minutes: int | None
    urgent: bool
    variables: list[str]
    customized: bool
    segments: int
    encoding: str
    characters: int


class QuietHoursOut(Model):
    start: str
    end: str


class ScenariosOut(Model):
    scenarios: list[ScenarioOut]
    quiet_hours: QuietHoursOut
    quiet_hours_by_region: dict[str, QuietHoursOut] = {}
    confirmation_followup_minutes: int
    voice_origination: str | None
    escalate_before_hours: int
    hand_back_before_hours: int
    technician_sms_alerts: bool
    travel_minutes: int


class TextSizeOut(Model):
    text: str
    segments: int = Field(description="SMS segments (3GPP TS 23.038)")
    encoding: str = Field(description="GSM-7 or UCS-2")
    characters: int = Field(description="septets (GSM-7) or UTF-16 code units (UCS-2)")
    not_gsm7: list[str] = Field(description="the characters that make it UCS-2, each once")


class ScenarioPreviewOut(Model):
    name: str
    enabled: bool
    template: str
    lead_time_minutes: int | None
    preview: TextSizeOut = Field(description="the text on realistic values (technician and ETA known)")
    longest: TextSizeOut = Field(description="the branch of the template with the most segments on those values")
    values: dict[str, str | int | bool | None] = Field(description="the realistic values of its variables")


class PreviewOut(Model):
    scenarios: list[ScenarioPreviewOut]


class BrandingIn(In):
    """How the customer's pages look: null returns to the default."""
    brand_color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None
    logo_url: Annotated[str, Field(max_length=500, pattern=r"^https://[^\s\"'<>]+$")] | None = None


class BrandingOut(Model):
    brand_color: str | None
    logo_url: str | None
