"""Estimates (seed 002 "estimate approvals"): lines of work with their price, sent to the customer, who approves or
declines each line from the link in the text. Amounts are integer cents of one currency; totals are computed here,
never taken from input. A line is decided once."""
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from . import ids
from .errors import Conflict, ValidationError

# Currencies with hundredths as their minor unit (amounts are in cents); others are refused rather than misread.
CURRENCIES = frozenset({"USD", "CAD", "MXN", "EUR", "GBP", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK",
                        "ZAR", "BRL", "INR", "SGD", "HKD"})
MAX_LINES = 50
MAX_DESCRIPTION = 200
MAX_AMOUNT_CENTS = 100_000_000  # a million in the currency: beyond that it is a typo
MAX_WORDS = 500  # the estimate's note, the customer's comment


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class AlreadyDecided(Conflict):
    code = "already_decided"


@dataclass
class EstimateLine:
    id: str
    description: str
    amount_cents: int
    optional: bool = False
    decision: Decision = Decision.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass
class Estimate:
    id: str
    org_id: str
    job_id: str
    appointment_id: str  # the visit it was given for: the link in the text names it
    currency: str
    lines: list[EstimateLine]
    created_by: str
    created_at: datetime
    note: str | None = None
    comment: str | None = None  # the customer's words with their answers, one line per answer
    version: int | None = None  # None until stored
    decided_at: datetime | None = field(default=None, compare=False)  # the latest decision

    @classmethod
    def create(cls, org_id: str, job_id: str, appointment_id: str, *, lines, currency, note, by: str,
               now: datetime) -> "Estimate":
        if not isinstance(lines, list) or not lines:
            raise ValidationError("lines", "an estimate needs at least one line")
        if len(lines) > MAX_LINES:
            raise ValidationError("lines", f"at most {MAX_LINES} lines")
        if not isinstance(currency, str) or currency not in CURRENCIES:
            raise ValidationError("currency", f"must be one of {', '.join(sorted(CURRENCIES))}")
        return cls(ids.new_id("est"), org_id, job_id, appointment_id, currency,
                   [_line(i, line) for i, line in enumerate(lines)], by, now, note=_words("note", note))

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def approved_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines if line.decision is Decision.APPROVED)

    @property
    def status(self) -> str:
        decisions = {line.decision for line in self.lines}
        if Decision.PENDING in decisions:
            return "sent"
        if decisions == {Decision.APPROVED}:
            return "approved"
        return "declined" if decisions == {Decision.DECLINED} else "partly_approved"

    def line(self, line_id: str) -> EstimateLine | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def decide(self, decisions, comment, by: str, now: datetime) -> None:
        """All or nothing: an unknown line or a line already decided refuses the whole answer."""
        if not isinstance(decisions, dict) or not decisions:
            raise ValidationError("decisions", "approve or decline at least one line")
        chosen = []
        for line_id, value in decisions.items():
            line = self.line(line_id)
            if line is None:
                raise ValidationError(f"decisions.{line_id}", "is not a line of this estimate")
            if value not in (Decision.APPROVED, Decision.DECLINED):
                raise ValidationError(f"decisions.{line_id}", "must be approved or declined")
            if line.decision is not Decision.PENDING:
                raise AlreadyDecided(f"'{line.description}' was already {line.decision}")
            chosen.append((line, Decision(value)))
        words = _words("comment", comment)
        for line, value in chosen:
            line.decision, line.decided_by, line.decided_at = value, by, now
        # Each answer's words are kept, in order: a later answer never replaces an earlier one's.
        self.comment = "\n".join(w for w in (self.comment, words) if w) or None
        self.decided_at = now


def _line(i: int, raw) -> EstimateLine:
    where = f"lines[{i}]"
    if not isinstance(raw, dict):
        raise ValidationError(where, "must be an object with description and amount_cents")
    if unknown := sorted(set(raw) - {"description", "amount_cents", "optional"}):
        raise ValidationError(f"{where}.{unknown[0]}", "is not a field of a line")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ValidationError(f"{where}.description", "say what the work is")
    if len(description.strip()) > MAX_DESCRIPTION:
        raise ValidationError(f"{where}.description", f"keep it under {MAX_DESCRIPTION} characters")
    amount = raw.get("amount_cents")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationError(f"{where}.amount_cents", "must be a whole number of cents")
    if not 0 <= amount <= MAX_AMOUNT_CENTS:
        raise ValidationError(f"{where}.amount_cents", f"must be between 0 and {MAX_AMOUNT_CENTS}")
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise ValidationError(f"{where}.optional", "must be true or false")
    return EstimateLine(ids.new_id("ln"), description.strip(), amount, optional)


def _words(name: str, value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError(name, "must be text")
    if len(value.strip()) > MAX_WORDS:
        raise ValidationError(name, f"keep it under {MAX_WORDS} characters")
    return value.strip() or None


def money(cents: int, currency: str) -> str:
    """'$1,234.50' in US dollars, '1,234.50 EUR' in the others: what the page shows."""
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    return f"${amount}" if currency == "USD" else f"{amount} {currency}"
