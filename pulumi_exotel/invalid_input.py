"""`InvalidInput`: the one error a rule raises when a user's input breaks it.

Shared by the resources' checks (`resources.validation`), the SIP URI rules (`sip_uri`) and the
Voice-AI helpers, so every bad input reads the same: field, value and rule. Standard library
only, so the rules that raise it can be imported without the Pulumi SDK or the client.
"""

from __future__ import annotations

__all__ = ["EXCERPT_LIMIT", "SECRET_PLACEHOLDER", "InvalidInput", "excerpt", "require_text"]

SECRET_PLACEHOLDER = "<secret>"  # noqa: S105 (what is shown instead of a secret)
#: How much of a bad value a message shows.
EXCERPT_LIMIT = 80


def excerpt(value: object, limit: int = EXCERPT_LIMIT) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters plus the full length: a
    10 MB input must not make a 10 MB error (and a log full of it)."""
    try:
        shown = repr(value)
    except ValueError:  # an int too long to convert (sys.get_int_max_str_digits)
        return f"<a {type(value).__name__} too large to show>"
    if len(shown) <= limit:
        return shown
    size = len(value) if isinstance(value, str) else len(shown)
    return f"{shown[:limit]}... ({size} characters)"


class InvalidInput(ValueError):
    """An input breaks a rule. ``str()`` is the user-facing reason: field, value and rule."""

    def __init__(self, field: str, value: object, rule: str, *, secret: bool = False) -> None:
        self.field = field
        self.rule = rule
        shown = SECRET_PLACEHOLDER if secret else excerpt(value)
        super().__init__(f"{field} {shown} is invalid: {rule}")


def require_text(value: object, field: str, *, secret: bool = False) -> str:
    """``value`` if it is a string; otherwise say which type came instead."""
    if not isinstance(value, str):
        raise InvalidInput(
            field, value, f"must be a string, got {type(value).__name__}", secret=secret
        )
    return value
