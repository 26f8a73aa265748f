"""Scenario templates: Jinja2 in a sandbox, with a documented set of variables per scenario. Jinja2 is
imported on first use: only the functions that render or check a text pay for it at cold start."""
from functools import cache

from ..domain.errors import ValidationError
from ..domain.scenarios import Scenario
from ..domain.segments import SegmentCount, count

# Realistic, long-ish values: a template that fits one segment with these fits in practice.
SAMPLE = {
    "company": "Acme Home Services", "company_phone": "+13035550100",
    "customer_name": "Maximiliana Rodriguez-Whitfield", "customer_first_name": "Maximiliana",
    "technician": "Alexandria Whitfield", "window": "Wed 10 Dec, 10am-12pm", "eta": "11:45am",
    "link": "https://omw.acmehvac.com/c/Xq3vT9kLm2Pz8RwYb4NcJd", "reason": "technician out sick",
    "coupon_code": "OMW-7F3K9Q", "coupon_percent": 15, "on_the_way": False,
    "technician_first_name": "Alexandria", "expected_start": "10:30am", "expected_end": "11:30am",
    "subject": "Furnace not heating, upstairs unit",
}
# A template's branches: what it says when the ETA or the technician is not known yet.
SAMPLES = (SAMPLE, {**SAMPLE, "eta": None}, {**SAMPLE, "eta": None, "on_the_way": True},
           {**SAMPLE, "technician": None, "technician_first_name": None, "coupon_code": None})


@cache
def _env():
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class TextEnvironment(ImmutableSandboxedEnvironment):
        """No attribute tricks, no mutation, and no `**` (a template must not be able to burn the CPU)."""
        intercepted_binops = frozenset({"**"})

        def call_binop(self, context, operator, left, right):
            if operator == "**":
                raise SecurityError("the ** operator is not available in templates")
            return super().call_binop(context, operator, left, right)

    return TextEnvironment(autoescape=False, trim_blocks=True, lstrip_blocks=True)


def check(scenario: Scenario, template: str, field: str = "template") -> SegmentCount:
    """Refuse a template with a syntax error or an unknown variable; report its segments on sample values
    (the longest of its branches)."""
    from jinja2 import TemplateError, TemplateSyntaxError, meta
    try:
        ast = _env().parse(template)
    except TemplateSyntaxError as e:
        raise ValidationError(field, f"template syntax error on line {e.lineno}: {e.message}") from None
    unknown = meta.find_undeclared_variables(ast) - scenario.variables
    if unknown:
        raise ValidationError(field, f"unknown variable(s) {', '.join(sorted(unknown))}; "
                                     f"use {', '.join(sorted(scenario.variables))}")
    try:
        return max((count(render(template, sample)) for sample in SAMPLES), key=lambda c: c.segments)
    except (TemplateError, ArithmeticError, TypeError, ValueError) as e:
        raise ValidationError(field, f"template fails on sample values: {e}") from None


def preview(scenario: Scenario, template: str, field: str = "template") -> tuple[tuple[str, SegmentCount], ...]:
    """What the template says on the realistic values, and its longest branch (the most segments, then the most
    characters), each with its size; refused as `check` refuses it."""
    check(scenario, template, field)
    texts = [render(template, sample) for sample in SAMPLES]
    sized = [(text, count(text)) for text in texts]
    return sized[0], max(sized, key=lambda s: (s[1].segments, s[1].units))


def render(template: str, variables: dict) -> str:
    text = _env().from_string(template).render(**variables)
    return " ".join(text.split())  # one line, single spaces: what a phone shows anyway
