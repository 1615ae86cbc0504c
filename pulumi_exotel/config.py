"""Provider settings: one typed object, read from Pulumi config first, then ``EXOTEL_*`` env vars.

The provider process reads these at run time (``configure()``); nothing here is ever pickled
into Pulumi state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["CONFIG_KEYS", "ConfigError", "ExotelSettings"]

#: settings field -> (Pulumi config key, environment variable)
CONFIG_KEYS: dict[str, tuple[str, str]] = {
    "api_key": ("exotel:apiKey", "EXOTEL_API_KEY"),
    "api_token": ("exotel:apiToken", "EXOTEL_API_TOKEN"),
    "account_sid": ("exotel:accountSid", "EXOTEL_ACCOUNT_SID"),
    "subdomain": ("exotel:subdomain", "EXOTEL_SUBDOMAIN"),
    "base_url": ("exotel:baseUrl", "EXOTEL_BASE_URL"),
    "edge_host": ("exotel:edgeHost", "EXOTEL_EDGE_HOST"),
    "edge_tcp_port": ("exotel:edgeTcpPort", "EXOTEL_EDGE_TCP_PORT"),
    "edge_tls_port": ("exotel:edgeTlsPort", "EXOTEL_EDGE_TLS_PORT"),
    "edge_ca_file": ("exotel:edgeCaFile", "EXOTEL_EDGE_CA_FILE"),
    "rate_limit_per_minute": ("exotel:rateLimitPerMinute", "EXOTEL_RATE_LIMIT_PER_MINUTE"),
    "max_concurrency": ("exotel:maxConcurrency", "EXOTEL_MAX_CONCURRENCY"),
    "timeout_seconds": ("exotel:timeoutSeconds", "EXOTEL_TIMEOUT_SECONDS"),
    "max_retries": ("exotel:maxRetries", "EXOTEL_MAX_RETRIES"),
}

_REQUIRED = ("api_key", "api_token", "account_sid")


class ConfigError(ValueError):
    """A provider setting is missing or invalid; the message names the config key and env var."""


class ExotelSettings(BaseSettings):
    """Everything the client needs to reach Exotel (or the emulator)."""

    model_config = SettingsConfigDict(env_prefix="EXOTEL_", extra="ignore", frozen=True)

    api_key: str = Field(description="HTTP Basic user (Exotel API key)")
    api_token: SecretStr = Field(description="HTTP Basic password (Exotel API token)")
    account_sid: str = Field(description="Account SID: path prefix and default SIP domain")
    subdomain: str = Field(
        default="api.in.exotel.com",
        description="api.in.exotel.com (Mumbai) or api.exotel.com (Singapore)",
    )
    base_url: str | None = Field(default=None, description="Full override, e.g. the emulator")
    edge_host: str = Field(default="in.voip.exotel.com", description="SIP edge host")
    edge_tcp_port: int = Field(default=5070, ge=1, le=65535)
    edge_tls_port: int = Field(default=443, ge=1, le=65535)
    edge_ca_file: str | None = Field(
        default=None, description="CA bundle for the edge's TLS certificate (local edge only)"
    )
    rate_limit_per_minute: int = Field(default=200, ge=1)
    max_concurrency: int = Field(default=50, ge=1)
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=4, ge=0, le=20)

    @property
    def api_root(self) -> str:
        """``{base}/v2/accounts/{account_sid}`` without a trailing slash."""
        base = (self.base_url or f"https://{self.subdomain}").rstrip("/")
        return f"{base}/v2/accounts/{self.account_sid}"

    @property
    def default_domain_name(self) -> str:
        return f"{self.account_sid}.pstn.exotel.com"

    @classmethod
    def load(
        cls, pulumi_config: Mapping[str, Any] | None = None, **overrides: Any
    ) -> ExotelSettings:
        """Build settings from the stack config (``exotel:*`` keys), env vars and defaults.

        Raises ``ConfigError`` naming every missing or invalid setting by config key and env var.
        """
        values: dict[str, Any] = {}
        for field, (key, _env) in CONFIG_KEYS.items():
            raw = (pulumi_config or {}).get(key)
            if raw not in (None, ""):
                values[field] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else "?"
                key, env = CONFIG_KEYS.get(field, (field, field.upper()))
                if err["type"] == "missing":
                    problems.append(f"set Pulumi config '{key}' or environment variable {env}")
                else:
                    problems.append(f"'{key}' / {env}: {err['msg']}")
            missing = ", ".join(CONFIG_KEYS[f][0] for f in _REQUIRED)
            raise ConfigError(
                "Exotel provider is not configured: "
                + "; ".join(problems)
                + f" (required: {missing})"
            ) from None
