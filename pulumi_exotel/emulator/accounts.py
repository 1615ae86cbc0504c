"""The accounts an emulator serves: an account SID and the HTTP Basic key/token pair for it."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

__all__ = ["DEFAULT_ACCOUNT", "Account"]


@dataclass(frozen=True)
class Account:
    """One emulated Exotel account. The token is left out of ``repr`` (it is a secret)."""

    sid: str
    api_key: str
    api_token: str = field(repr=False)

    def accepts(self, api_key: str, api_token: str) -> bool:
        """Whether the Basic credentials are this account's (constant-time comparison)."""
        key_ok = hmac.compare_digest(api_key.encode(), self.api_key.encode())
        token_ok = hmac.compare_digest(api_token.encode(), self.api_token.encode())
        return key_ok and token_ok

    @classmethod
    def parse(cls, spec: str) -> Account:
        """``"sid:api_key:api_token"`` (the CLI's ``--account`` form) as an ``Account``."""
        parts = spec.split(":", 2)
        if len(parts) != 3 or not all(parts):
            raise ValueError("an account is written SID:API_KEY:API_TOKEN, all three non-empty")
        return cls(parts[0], parts[1], parts[2])


#: The account an emulator serves when none is given (documented, not a secret).
DEFAULT_ACCOUNT = Account("demo1", "demo_api_key", "demo_api_token")
