"""What a customer's text means (docs/product.md §6). The carrier opt-out words are never command words."""
import re
from dataclasses import dataclass
from enum import StrEnum

OPT_OUT = frozenset({"ARRET", "CANCEL", "END", "OPT-OUT", "OPTOUT", "QUIT", "REMOVE", "STOP", "STOPALL", "TD",
                     "UNSUBSCRIBE"})
OPT_IN = frozenset({"START", "UNSTOP"})
HELP = frozenset({"HELP", "INFO"})
CONFIRM = frozenset({"C", "YES", "Y", "CONFIRM"})
REJECT = frozenset({"N", "NO"})
RESCHEDULE = frozenset({"R", "RESCHEDULE"})
MAX_BODY = 1600


class Intent(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    CONFIRM = "confirm"
    REJECT = "reject"
    RESCHEDULE = "reschedule"
    RATE = "rate"  # "RATE 4": the survey's choice on WhatsApp, or typed by text
    TALK = "talk"  # anything else: a message on the job


@dataclass(frozen=True)
class Reply:
    intent: Intent
    reason: str | None = None  # "NO - too expensive" → "too expensive"
    rating: int | None = None  # "RATE 4" → 4


def read(body: str) -> Reply:
    """Case-, space- and trailing-punctuation-insensitive keywords; everything else is conversation."""
    words = " ".join(body.split()).upper()
    bare = words.strip(" .!?")
    for intent, keywords in ((Intent.OPT_OUT, OPT_OUT), (Intent.OPT_IN, OPT_IN), (Intent.HELP, HELP),
                             (Intent.CONFIRM, CONFIRM), (Intent.REJECT, REJECT), (Intent.RESCHEDULE, RESCHEDULE)):
        if bare in keywords:
            return Reply(intent)
    if match := re.fullmatch(r"RATE\s*([1-5])", bare):
        return Reply(Intent.RATE, rating=int(match.group(1)))
    # A "no" with a reason after a separator: "NO - too expensive", "N: moved away".
    if match := re.match(r"^\s*(no|n)\s*[,:;.\-]+\s*(\S.*)$", body, flags=re.IGNORECASE | re.DOTALL):
        return Reply(Intent.REJECT, match.group(2).strip())
    return Reply(Intent.TALK)
