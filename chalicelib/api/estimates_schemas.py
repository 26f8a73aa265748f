"""Request and response models of estimates (api/estimates.py), validated again by domain/estimates.py; also
the OpenAPI document's schemas."""
from datetime import datetime
from typing import Annotated

from pydantic import Field

from ..domain.estimates import CURRENCIES, MAX_AMOUNT_CENTS, MAX_DESCRIPTION, MAX_LINES, MAX_WORDS, Decision
from .schemas import In, Out, one_of


class EstimateLineIn(In):
    description: Annotated[str, Field(min_length=1, max_length=MAX_DESCRIPTION)]
    amount_cents: Annotated[int, Field(ge=0, le=MAX_AMOUNT_CENTS, strict=True)]
    optional: bool = False


class EstimateIn(In):
    lines: Annotated[list[EstimateLineIn], Field(min_length=1, max_length=MAX_LINES)]
    currency: one_of(sorted(CURRENCIES))
    note: Annotated[str, Field(max_length=MAX_WORDS)] | None = None


class EstimateLineOut(Out):
    id: str
    description: str
    amount_cents: int
    optional: bool
    decision: one_of(Decision)
    decided_by: str | None
    decided_at: datetime | None


class EstimateOut(Out):
    id: str
    job_id: str
    appointment_id: str = Field(description="the visit it was given for")
    currency: str
    lines: list[EstimateLineOut]
    status: str = Field(description="sent (a line still pending), approved, partly_approved or declined")
    total_cents: int
    approved_cents: int
    note: str | None
    comment: str | None = Field(description="the customer's, with their decisions")
    created_by: str
    created_at: datetime
    version: int


class EstimateDecisionIn(In):
    """The customer's answer on the estimate page: a decision per line named (its id)."""
    decisions: dict[str, one_of((Decision.APPROVED, Decision.DECLINED))] = Field(min_length=1)
    comment: Annotated[str, Field(max_length=MAX_WORDS)] | None = None


class NoQuery(In):
    """A job's estimates are few: the list is whole."""
