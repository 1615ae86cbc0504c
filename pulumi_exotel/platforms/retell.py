"""Retell AI: an Exotel DID imported into Retell over SIP, as a Pulumi resource.

    import pulumi_exotel as exotel
    from pulumi_exotel.platforms import retell

    retell.PhoneNumber(
        "did",
        phone_number=mapping.phone_number,
        termination_uri=trunk.edge_tls,
        transport="tls",
        user_name=credential.user_name,
        password=credential.password,
        inbound_agents=[{"agent_id": "agent_...", "weight": 1}],
    )

Every input but ``phone_number`` updates the number in place (Retell's update call), so a
credential rotation re-points the number between the new credential's creation and the old
one's deletion. The request bodies come from the same field mapping as the body helpers
:func:`pulumi_exotel.voice_ai.retell.import_phone_number` / ``update_phone_number``. Retell never
returns the password: a refresh keeps the one in state.
Needs ``pip install 'pulumi-exotel[retell]'``.

Config: ``retell:apiKey`` (secret) or ``RETELL_API_KEY``; ``retell:baseUrl`` or
``RETELL_BASE_URL`` to point at another server (the local twin in tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_exotel.platforms._base import (
    InputSpec,
    PlatformProvider,
    PlatformResource,
    Props,
    ResolvedSettings,
    api_key_settings,
    import_sdk,
    validate_secret_text,
    validate_sip_address,
    validate_text,
    validate_transport,
)
from pulumi_exotel.resources.validation import InvalidInput, validate_e164
from pulumi_exotel.voice_ai.mapping import Arg
from pulumi_exotel.voice_ai.retell import PROFILE

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["SETTINGS", "PhoneNumber", "PhoneNumberProvider"]

_sdk = import_sdk("retell", "retell")

SETTINGS = api_key_settings("Retell", extra="retell")


#: The voice_ai mappings of Retell's import and update calls: the bodies sent here.
IMPORT = PROFILE.call("import_phone_number")
UPDATE = PROFILE.call("update_phone_number")
#: Arguments of the import call that are ours to set (voice_ai's `Arg` fields).
_ARGS = tuple(f.source.name for f in IMPORT.fields if isinstance(f.source, Arg))


def validate_agents(value: object, field: str) -> list[dict[str, Any]]:
    """Retell's weighted agents: ``[{"agent_id": str, "weight": number}]``, weights summing to 1."""
    rule = 'must be a list of {"agent_id": str, "weight": number} whose weights add up to 1'
    if not isinstance(value, list) or not value:
        raise InvalidInput(field, value, rule)
    agents: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) - {"agent_id", "weight", "agent_version"}:
            raise InvalidInput(field, value, rule)
        agent_id, weight = item.get("agent_id"), item.get("weight")
        if not isinstance(agent_id, str) or not agent_id:
            raise InvalidInput(field, value, rule)
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0:
            raise InvalidInput(field, value, rule)
        agents.append({**item, "weight": float(weight)})
    if abs(sum(a["weight"] for a in agents) - 1.0) > 1e-6:
        raise InvalidInput(field, value, rule)
    return agents


class PhoneNumberProvider(PlatformProvider["Retell"]):
    """A number in Retell; its Pulumi id is the E.164 number (Retell's own key)."""

    settings_spec = SETTINGS
    kind = "Retell phone number"
    resource_class = "retell.PhoneNumber"
    id_field = "phone_number"
    natural_key = "phone_number"
    secret_fields = ("password",)
    fields = {
        "phone_number": InputSpec(validate_e164, "replace", required=True),
        "termination_uri": InputSpec(validate_sip_address, "update", required=True),
        "transport": InputSpec(validate_transport, "update", default="tls"),
        "user_name": InputSpec(validate_text, "update"),
        "password": InputSpec(validate_secret_text, "update"),
        "nickname": InputSpec(validate_text, "update"),
        "inbound_agents": InputSpec(validate_agents, "update"),
        "outbound_agents": InputSpec(validate_agents, "update"),
    }

    def _check_together(self, inputs: Props) -> list[CheckFailure]:
        has_user, has_password = inputs.get("user_name"), inputs.get("password")
        if bool(has_user) != bool(has_password):
            missing = "password" if has_user else "user_name"
            return [
                CheckFailure(
                    missing,
                    f"{missing} is required with "
                    f"{'user_name' if has_user else 'password'}: Exotel's edge needs both "
                    "(digest authentication), from the same DigestCredential",
                )
            ]
        return []

    def _build_client(self, settings: ResolvedSettings) -> Retell:
        client: Retell = _sdk.Retell(
            api_key=settings["api_key"], base_url=settings.get("base_url"), max_retries=2
        )
        return client

    # --- bodies: the voice_ai mapping, one source of truth ----------------------------------

    @staticmethod
    def _values(props: Props) -> dict[str, Any]:
        return {
            "numbers": [props["phone_number"]],
            "edge": props["termination_uri"],
            "transport": props.get("transport") or "tls",
            "user_name": props.get("user_name"),
            "password": props.get("password"),
            **{name: props.get(name) for name in _ARGS},
        }

    def _update_body(self, olds: Props | None, news: Props) -> dict[str, Any]:
        body = UPDATE.body(**self._values(news))
        body.pop("phone_number")  # the path parameter, not a body field
        for name in _ARGS:  # set by import only in voice_ai; here they change in place too
            if olds is None or olds.get(name) != news.get(name):
                body[name] = news.get(name)
        return body

    # --- hooks ------------------------------------------------------------------------------

    def _find(self, client: Retell, props: Props) -> Any:
        return self._get(client, props["phone_number"])

    def _get(self, client: Retell, id_: str) -> Any:
        try:
            return client.phone_number.retrieve(id_)
        except _sdk.NotFoundError:
            return None

    def _post(self, client: Retell, props: Props) -> Any:
        body = IMPORT.body(**self._values(props))
        # No SDK retry of the import: a retry after a lost answer would meet the number it made
        # (409). _post_or_find looks it up instead and keeps it.
        once = client.with_options(max_retries=0)
        return self._post_or_find(client, props, lambda: once.phone_number.import_(**body))

    def _take_over(self, client: Retell, found: Any, props: Props) -> Any:
        return client.phone_number.update(props["phone_number"], **self._update_body(None, props))

    def _patch(self, client: Retell, id_: str, olds: Props, news: Props) -> Any:
        return client.phone_number.update(id_, **self._update_body(olds, news))

    def _remove(self, client: Retell, id_: str) -> None:
        client.phone_number.delete(id_)

    def _object_id(self, obj: Any) -> str:
        return str(obj.phone_number)

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        """``inputs`` overlaid with what Retell reports (the password it never returns)."""
        outs = {
            **inputs,
            "phone_number": obj.phone_number,
            "phone_number_type": obj.phone_number_type,
            "phone_number_pretty": obj.phone_number_pretty,
        }
        trunk = obj.sip_outbound_trunk_config
        if trunk is not None:
            if trunk.termination_uri is not None:
                outs["termination_uri"] = trunk.termination_uri
            if trunk.transport is not None:
                outs["transport"] = trunk.transport.lower()
            if trunk.auth_username is not None:
                outs["user_name"] = trunk.auth_username
        outs["nickname"] = obj.nickname
        for name in ("inbound_agents", "outbound_agents"):
            agents = getattr(obj, name)
            outs[name] = None if not agents else [_agent(a) for a in agents]
        return outs

    def _error_text(self, exc: Exception) -> str:
        body = getattr(exc, "body", None)
        if isinstance(body, dict):
            message = body.get("error_message") or body.get("detail")
            if message:
                return f"HTTP {getattr(exc, 'status_code', '?')}: {message}"
        return super()._error_text(exc)


def _agent(agent: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"agent_id": agent.agent_id, "weight": float(agent.weight)}
    if agent.agent_version is not None:
        data["agent_version"] = agent.agent_version
    return data


Agents = Sequence[Mapping[str, Any]]


class PhoneNumber(PlatformResource, module="retell", name="PhoneNumber"):
    """An Exotel DID imported into Retell as a custom (SIP) number.

    ``phone_number`` is Retell's key: changing it replaces the resource. Every other input
    (``termination_uri``, ``transport``, ``user_name``, ``password``, ``nickname``, agents) is
    updated in place. ``password`` is always a secret. With ``adopt=True`` a number Retell
    already has is taken over and updated to these inputs.
    """

    phone_number: pulumi.Output[str]
    """The DID in E.164; Retell's key for the number and the Pulumi id."""
    termination_uri: pulumi.Output[str]
    """Where Retell sends outbound SIP: the Exotel edge ``host:port``."""
    transport: pulumi.Output[str]
    """``tls`` or ``tcp`` (Retell's ``TLS`` / ``TCP``)."""
    user_name: pulumi.Output[str | None]
    """SIP digest user name Retell authenticates with (``DigestCredential.user_name``)."""
    password: pulumi.Output[str | None]
    """SIP digest password (secret; Retell never returns it)."""
    nickname: pulumi.Output[str | None]
    """Retell's label for the number."""
    inbound_agents: pulumi.Output[list[dict[str, Any]] | None]
    """Weighted agents answering inbound calls."""
    outbound_agents: pulumi.Output[list[dict[str, Any]] | None]
    """Weighted agents placing outbound calls."""
    phone_number_type: pulumi.Output[str]
    """Retell's type of the number (``custom`` for an imported one)."""
    phone_number_pretty: pulumi.Output[str | None]
    """The number as Retell prints it."""

    def __init__(
        self,
        resource_name: str,
        *,
        phone_number: pulumi.Input[str],
        termination_uri: pulumi.Input[str],
        transport: pulumi.Input[str] | None = None,
        user_name: pulumi.Input[str] | None = None,
        password: pulumi.Input[str] | None = None,
        nickname: pulumi.Input[str] | None = None,
        inbound_agents: pulumi.Input[Agents] | None = None,
        outbound_agents: pulumi.Input[Agents] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(PhoneNumberProvider(), resource_name, locals(), opts)
