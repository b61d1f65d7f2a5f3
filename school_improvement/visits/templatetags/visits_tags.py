"""Template helpers for visits and brokerage pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from school_improvement.accounts.permissions import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: Any, permission: str) -> bool:
    """Whether the signed-in person holds ``permission`` (for links to pages they may use)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and has_perm(user, permission))


@register.filter
def days(value: Any) -> str:
    """Days without trailing zeros: 3, 2.5."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return f"{number.normalize():f}" if number != number.to_integral() else f"{int(number)}"


@register.filter
def field_group(form: Any, name: str) -> Any:
    """A form field by name, rendered as its GOV.UK form group (for fields made at run time)."""
    return form[name].as_field_group()


@register.filter
def area_label(code: str) -> str:
    """Plain words for an area-of-expertise code."""
    from engines.matching import area_label as words

    return words(str(code))
