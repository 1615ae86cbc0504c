"""Provider settings: one typed object, read from Pulumi config first, then ``EXOTEL_*`` env vars.

The provider process reads these at run time (``configure()``); nothing here is ever pickled
into Pulumi state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "CONFIG_KEYS",
    "ConfigError",
    "ExotelSettings",
    "StoreKind",
    "StoreLocation",
    "default_sqlite_path",
    "parse_store_setting",
]

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
    "rate_limit_store": ("exotel:rateLimitStore", "EXOTEL_RATE_LIMIT_STORE"),
}

_REQUIRED = ("api_key", "api_token", "account_sid")


class ConfigError(ValueError):
    """A provider setting is missing or invalid; the message names the config key and env var."""


# --- exotel:rateLimitStore: where the shared rate budget lives (client/store.py uses it) ----

StoreKind = Literal["sqlite", "redis", "memory"]


def default_sqlite_path() -> Path:
    """``${XDG_CACHE_HOME:-~/.cache}/pulumi-exotel/rate-budget.sqlite``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "pulumi-exotel" / "rate-budget.sqlite"


@dataclass(frozen=True)
class StoreLocation:
    """A parsed ``exotel:rateLimitStore``: the kind and the file path or Redis URL."""

    kind: StoreKind
    target: str = ""

    @property
    def display(self) -> str:
        """The location as users may see it: a Redis password is replaced by ``***``."""
        if self.kind == "redis":
            return _redact(urlsplit(self.target))
        if self.kind == "sqlite":
            return f"sqlite file {self.target}"
        return "memory"


def _redact(url: SplitResult) -> str:
    if url.password is None:
        return url.geturl()
    user = url.username or ""
    host = url.hostname or ""
    port = f":{url.port}" if url.port is not None else ""
    return url._replace(netloc=f"{user}:***@{host}{port}").geturl()


def parse_store_setting(value: str | None) -> StoreLocation:
    """Parse the setting; ``None`` or empty means the default SQLite file.

    Raises ``ValueError`` naming the (redacted) value and the accepted forms.
    """
    text = (value or "").strip()
    if text in ("", "sqlite"):
        return StoreLocation("sqlite", str(default_sqlite_path()))
    if text == "memory":
        return StoreLocation("memory")
    lowered = text.lower()
    if lowered.startswith("sqlite:///"):
        path = text[len("sqlite://") :]
        if len(path) > 1:
            return StoreLocation("sqlite", path)
    elif lowered.startswith(("redis://", "rediss://")):
        return StoreLocation("redis", _check_redis_url(text))
    raise ValueError(
        f"{_shown(text)!r} is not a rate limit store: use 'sqlite' (the default, "
        f"{default_sqlite_path()}), 'sqlite:///absolute/path.sqlite', "
        "'redis://host:port/db' or 'memory'"
    )


def _shown(text: str) -> str:
    """A value for an error message: a URL's password is cut out."""
    try:
        return _redact(urlsplit(text))
    except ValueError:
        return text.split("@")[-1]


def _check_redis_url(text: str) -> str:
    def bad(rule: str) -> ValueError:
        return ValueError(f"{_shown(text)!r} is not a usable Redis address: {rule}")

    try:
        url = urlsplit(text)
        _ = url.port  # parses the port, raises ValueError when it is not a number in range
    except ValueError:
        raise bad("the port must be a number from 1 to 65535") from None
    if not url.hostname:
        raise bad("it needs a host, as in redis://host:6379/0") from None
    db = url.path.strip("/")
    if db and not (db.isascii() and db.isdigit()):
        raise bad("the path is the database number, as in redis://host:6379/0")
    return text


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
    rate_limit_store: str = Field(
        default="sqlite",
        description="Where the per-account rate budget is shared: sqlite (default file), "
        "sqlite:///path, redis://host:port/db, or memory",
    )

    @field_validator("rate_limit_store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        parse_store_setting(value)  # raises ValueError naming the accepted forms
        return value.strip() or "sqlite"

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        # Caught at preview: a typo here would otherwise surface only at `up`, as a
        # connection error to somewhere unexpected.
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8765, "
                f"not {_shown(value)!r}"
            )
        try:
            parts.port  # noqa: B018 - parsing the port is the check
        except ValueError:
            raise ValueError(f"has an invalid port: {_shown(value)!r}") from None
        return value.strip()

    @property
    def store_location(self) -> StoreLocation:
        """``rate_limit_store`` parsed (the default file path resolved now)."""
        return parse_store_setting(self.rate_limit_store)

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
