"""The calendar writer (domain/calendar.py): RFC 5545 escaping, folding at 75 octets, CRLF, checked against
the `icalendar` parser."""
from datetime import UTC, datetime

import icalendar

from chalicelib.domain import calendar
from chalicelib.domain.jobs import Job
from chalicelib.domain.status import AppointmentStatus
from chalicelib.domain.values import TimeFrame

FRENCH = ("Résidence « Les Érables », bâtiment C; escalier 2, 3ᵉ étage, 17 bis rue de l'Église-Saint-Étienne-du-"
          "Mont, 75005 Paris\\Île-de-France\nSonnez chez Mme Lefèvre")
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_text_values_escape_backslash_semicolon_comma_and_line_breaks():
    assert calendar.escape("a\\b;c,d\r\ne\rf\ng") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"


def test_long_lines_fold_at_75_octets_never_inside_a_character():
    line = "LOCATION:" + calendar.escape(FRENCH)
    folded = calendar.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 2
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line  # unfolding gives the line back
    assert all(p.encode().decode() == p for p in parts)  # each part is whole UTF-8
    wide = calendar.fold("X:" + "é" * 100)  # 2 octets each: a 75th octet would split one
    assert all(len(p.encode()) <= 75 for p in wide.split("\r\n"))
    assert calendar.fold("SHORT:line") == "SHORT:line"


def _job(status: AppointmentStatus = AppointmentStatus.SCHEDULED):
    job = Job.create("org_1", "cus_1", "Fuite sous l'évier, cuisine; urgent", NOW)
    a = job.schedule(TimeFrame(datetime(2026, 12, 3, 8, tzinfo=UTC), datetime(2026, 12, 3, 10, tzinfo=UTC)), NOW)
    a.status = status
    return job, a


def test_the_document_parses_with_icalendar_and_keeps_every_character():
    job, a = _job()
    event = calendar.visit_event(job, a, company="Plomberie Dupont, Fils & Cie", company_phone="+33144556677",
                                 address=FRENCH, window_text="jeu. 3 déc., 9-11h")
    text = calendar.document([event])
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (parsed,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(parsed["LOCATION"]) == FRENCH
    assert str(parsed["SUMMARY"]) == "Plomberie Dupont, Fils & Cie: Fuite sous l'évier, cuisine; urgent"
    assert str(parsed["DESCRIPTION"]).splitlines()[1] == "Questions? Call Plomberie Dupont, Fils & Cie at +33144556677."
    assert parsed.decoded("DTSTART") == a.window.start and parsed.decoded("DTEND") == a.window.end
    assert parsed.decoded("DTSTAMP") == a.updated_at
    assert str(parsed["UID"]) == calendar.uid("org_1", a.id) and parsed["SEQUENCE"] == 0
    assert str(parsed["STATUS"]) == "CONFIRMED"


def test_the_uid_is_stable_and_tells_no_id_and_the_sequence_counts_moves_then_the_cancel():
    assert calendar.uid("org_1", "apt_1") == calendar.uid("org_1", "apt_1")
    assert calendar.uid("org_1", "apt_1") != calendar.uid("org_2", "apt_1")
    assert "apt_1" not in calendar.uid("org_1", "apt_1") and calendar.uid("org_1", "apt_1").endswith("@onmyway")
    job, a = _job()
    job.reschedule(a.id, NOW, window=TimeFrame(datetime(2026, 12, 4, 8, tzinfo=UTC), datetime(2026, 12, 4, 10, tzinfo=UTC)))
    job.reschedule(a.id, NOW, technician_id="usr_2", assign=True)  # a new technician is not a move
    assert a.reschedules == 1 and calendar.sequence(a.reschedules, a.status) == 1
    job.cancel("no longer needed", NOW)
    assert calendar.sequence(a.reschedules, a.status) == 2


def test_a_summary_takes_the_first_line_of_the_service_and_stays_short():
    assert calendar.summary("Acme", "Boiler\nBring the blue valve") == "Acme: Boiler"
    assert calendar.summary("Acme", "  ") == "Acme: visit"
    long = calendar.summary("Acme", "x" * 300)
    assert len(long) == len("Acme: ") + calendar.SUMMARY_CHARS and long.endswith("…")
