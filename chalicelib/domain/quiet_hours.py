"""Quiet hours by place: the hours a non-urgent text may reach a customer depend on where they live. The US
federal window (47 CFR 64.1200(c)(1): 8:00 to 21:00 at the called party's location) is the default; some
states are stricter, by hour or by day. docs/quiet-hours.md lists the sources and the date they were read:
they are data for the organization to check with its counsel, not legal advice, and an organization may
set its own hours for any place (`quiet_hours_by_region`)."""
from dataclasses import dataclass
from datetime import date, time

from .scenarios import MessagingSettings, QuietHours


@dataclass(frozen=True)
class PlaceRule:
    region: str  # ISO 3166-2: US-FL
    hours: tuple[tuple[time, time] | None, ...]  # allowed hours Monday..Sunday; None: no texts that day
    source: str
    read: date


def _every_day(opens: int, closes: int) -> tuple[tuple[time, time], ...]:
    return ((time(opens), time(closes)),) * 7


def _but_sunday(opens: int, closes: int, sunday: tuple[time, time] | None) -> tuple:
    return ((time(opens), time(closes)),) * 6 + (sunday,)


READ = date(2026, 12, 4)
GUIDE = "state telephone-solicitation hours as compiled by a state compliance guide (updated 2025-11-01)"
PLACES: dict[str, PlaceRule] = {r.region: r for r in [
    PlaceRule("US-AL", _but_sunday(8, 20, None), f"Alabama: {GUIDE}", READ),
    PlaceRule("US-CT", _every_day(9, 20), f"Connecticut: {GUIDE}", READ),
    PlaceRule("US-FL", _every_day(8, 20), "Florida Telephone Solicitation Act, Fla. Stat. 501.616(6)(a)", READ),
    PlaceRule("US-KY", _every_day(10, 21), f"Kentucky: {GUIDE}", READ),
    PlaceRule("US-LA", _but_sunday(8, 20, None), f"Louisiana: {GUIDE}", READ),
    PlaceRule("US-MA", _every_day(8, 20), f"Massachusetts: {GUIDE}", READ),
    PlaceRule("US-MD", _every_day(8, 20), "Maryland Stop the Spam Calls Act (2023): " + GUIDE, READ),
    PlaceRule("US-MI", _every_day(9, 21), f"Michigan: {GUIDE}", READ),
    PlaceRule("US-MN", _every_day(9, 21), f"Minnesota: {GUIDE}", READ),
    PlaceRule("US-MS", _but_sunday(8, 20, None), f"Mississippi: {GUIDE}", READ),
    PlaceRule("US-NM", _every_day(9, 21), f"New Mexico: {GUIDE}", READ),
    PlaceRule("US-NV", _every_day(9, 20), f"Nevada: {GUIDE}", READ),
    PlaceRule("US-OK", _every_day(8, 20), "Oklahoma Telephone Solicitation Act, Okla. Stat. tit. 15 775C.4", READ),
    PlaceRule("US-TX", _but_sunday(9, 21, (time(12), time(21))), "Texas Bus. & Com. Code 301.051", READ),
]}


def stricter(rule: PlaceRule, own: QuietHours) -> QuietHours:
    """The place's hours within the organization's own nightly quiet hours: a text waits if either says so."""
    if own.start <= own.end:  # not a nightly window: the place decides
        return QuietHours(weekly=rule.hours)
    days = []
    for hours in rule.hours:
        opens, closes = (max(hours[0], own.end), min(hours[1], own.start)) if hours else (None, None)
        days.append((opens, closes) if hours and opens < closes else None)
    return QuietHours(own.start, own.end, tuple(days))


def for_place(settings: MessagingSettings, region: str | None) -> QuietHours:
    """The organization's hours for the region if it set them; else the place's law within its own hours;
    else its own hours (the federal window by default)."""
    if region in settings.quiet_hours_by_region:
        return settings.quiet_hours_by_region[region]
    rule = PLACES.get(region or "")
    return stricter(rule, settings.quiet_hours) if rule else settings.quiet_hours
