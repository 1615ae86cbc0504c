"""Identifier and timestamp formats of the emulated Exotel API (REF, T2025).

- ``trunk_sid``: ``trmum1`` + 19 lowercase hex + a 3-character suffix such as ``a1n``
  (28 characters, like the documented samples).
- ``request_id``: 32 lowercase hex, new for every response.
- timestamps: ISO-8601 UTC to the second with a ``Z`` suffix.

Child ids (mapping, ACL, destination, credential) are SQLite row ids rendered as digit strings;
they come from ``backend``, not from here.
"""

from __future__ import annotations

import re
import secrets
import string
import uuid
from datetime import datetime, timezone

__all__ = ["TRUNK_SID_RE", "new_request_id", "new_trunk_sid", "utc_now"]

TRUNK_SID_RE = re.compile(r"^trmum1[0-9a-f]{19}[a-z][0-9][a-z]$")


def new_trunk_sid() -> str:
    """A fresh trunk sid, e.g. ``trmum1f708622631150902801a1n``."""
    hex_part = secrets.token_hex(10)[:19]
    suffix = (
        secrets.choice(string.ascii_lowercase)
        + secrets.choice(string.digits)
        + secrets.choice(string.ascii_lowercase)
    )
    return f"trmum1{hex_part}{suffix}"


def new_request_id() -> str:
    """32 lowercase hex characters."""
    return uuid.uuid4().hex


def utc_now() -> str:
    """The current time as ``2026-01-23T11:37:36Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
