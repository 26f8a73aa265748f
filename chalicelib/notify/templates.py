"""Scenario templates: Jinja2 in a sandbox, with a documented set of variables per scenario."""
from functools import cache

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from ..domain.errors import ValidationError
from ..domain.scenarios import Scenario
from ..domain.segments import SegmentCount, count

# Realistic, long-ish values: a template that fits one segment with these fits in practice.
SAMPLE = {
    "company": "Acme Home Services", "company_phone": "+13035550100",
    "customer_name": "Maximiliana Rodriguez-Whitfield", "customer_first_name": "Maximiliana",
    "technician": "Alexandria Whitfield", "window": "Wed 10 Dec, 10am-12pm", "eta": "11:45am",
    "link": "https://omw.acmehvac.com/c/Xq3vT9kLm2Pz8RwYb4NcJd", "reason": "technician out sick",
    "coupon_code": "OMW-7F3K9Q", "coupon_percent": 15,
}


@cache
def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, trim_blocks=True, lstrip_blocks=True)


def check(scenario: Scenario, template: str, field: str = "template") -> SegmentCount:
    """Refuse a template with a syntax error or an unknown variable; report its segments on sample values."""
    try:
        ast = _env().parse(template)
    except TemplateSyntaxError as e:
        raise ValidationError(field, f"template syntax error on line {e.lineno}: {e.message}") from None
    unknown = meta.find_undeclared_variables(ast) - scenario.variables
    if unknown:
        raise ValidationError(field, f"unknown variable(s) {', '.join(sorted(unknown))}; "
                                     f"use {', '.join(sorted(scenario.variables))}")
    return count(render(template, SAMPLE))


def render(template: str, variables: dict) -> str:
    text = _env().from_string(template).render(**variables)
    return " ".join(text.split())  # one line, single spaces: what a phone shows anyway
