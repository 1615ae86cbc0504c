"""``exotel.DigestCredential``: a SIP digest user name and password on a trunk.

Pulumi id: ``trunk_sid/credential_id``. ``friendly_name``, and ``password`` for a fixed
``user_name``, change in place (PUT). ``trunk_sid``, ``user_name`` (or ``user_name_prefix``) and
``keepers`` replace the credential: the new one is created first, the resources that consume it
update, then the old one is deleted (zero-downtime rotation). When the replacement keeps the
same user name, the old credential is deleted first, because Exotel refuses a second credential
with the same name on a trunk.

Generated values: with only ``user_name_prefix`` the user name is ``<prefix>_<8 hex>`` (derived
from the resource's identity, trunk and keepers, so a retried create meets its own); without
``password`` a 32-character ``[A-Za-z0-9_]`` password is drawn from ``secrets``. Both are made
in ``create`` (never in ``check``: checked inputs are stored in state unencrypted), and an unset
``password`` later keeps the current one; change ``keepers`` to rotate. The password is always a
secret output and never appears in a message.

The realm is the trunk's ``sip_realm``: pass ``sip_realm=trunk.sip_realm`` and a create is one
request; without it the provider reads the trunk once per process (``trunk_sip_realm``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
from typing import TYPE_CHECKING, Any, Literal

import pulumi
from pulumi.dynamic import CheckFailure
from tenacity import Retrying, retry_if_result, stop_after_attempt, wait_fixed

from pulumi_exotel.client import Duplicate, ExotelClient
from pulumi_exotel.client.models import DigestCredential as CredentialObject
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.resources.base import (
    ExotelProviderError,
    InputSpec,
    Props,
    bool_failures,
    is_unknown,
)
from pulumi_exotel.resources.children import ChildCalls, TrunkChildProvider, TrunkChildResource
from pulumi_exotel.resources.intent import IDENTITY
from pulumi_exotel.resources.trunk import trunk_sip_realm
from pulumi_exotel.resources.validation import (
    validate_domain_name,
    validate_friendly_name,
    validate_keepers,
    validate_password,
    validate_trunk_sid,
    validate_user_name,
    validate_user_name_prefix,
)

if TYPE_CHECKING:
    from pulumi_exotel.sip import VerifyResult

__all__ = ["DigestCredential", "DigestCredentialProvider", "generate_password"]

DEFAULT_USER_NAME_PREFIX = "pulumi"
#: What adoption does to the password: ``set`` it to the given one, or ``trust`` that the given
#: one is already the credential's password (adoption then changes nothing at Exotel).
PASSWORD_ON_ADOPT = ("set", "trust")
PASSWORD_LENGTH = 32
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "_"
# A new credential may take a moment to reach the edge: ask again on "rejected", this many
# times in all, with this pause between. The only retry loop of the check: each try is one
# challenge and one answer (``_EDGE_ROUND_TRIPS``), never a retry of its own.
_VERIFY_TRIES = 3
_VERIFY_PAUSE_SECONDS = 1.0
_EDGE_ROUND_TRIPS = 2


def generate_password() -> str:
    """32 characters of ``[A-Za-z0-9_]`` from the OS's secure random source."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def _generate_user_name(prefix: str, props: Props) -> str:
    """``<prefix>_<8 hex>``, the hex derived from the resource's identity, trunk and keepers:
    a create retried after an interruption meets its own earlier credential (and takes it
    over) instead of leaving it behind under a name nobody knows; a keepers change (rotation)
    gives a new name. Without an identity (a direct provider call), random."""
    identity = props.get(IDENTITY)
    if not isinstance(identity, str) or not identity:
        return f"{prefix}_{secrets.token_hex(4)}"
    seed = json.dumps(
        [identity, props["trunk_sid"], props.get("keepers") or {}], sort_keys=True, default=str
    )
    return f"{prefix}_{hashlib.sha256(seed.encode()).hexdigest()[:8]}"


def _or_empty(value: Any) -> Any:
    return value or ""


def _or_empty_map(value: Any) -> Any:
    return value or {}


class DigestCredentialProvider(TrunkChildProvider[CredentialObject]):
    """Create, read, update and delete one digest credential."""

    kind = "digest credential"
    resource_class = "DigestCredential"
    id_field = "credential_id"
    stable_outputs = (
        "trunk_sid",
        "user_name",
        "user_name_prefix",
        "keepers",
        "sip_realm",
        "credential_id",
        "date_created",
    )
    create_only = ("adopt", "verify_at_edge", "password_on_adopt")
    # The natural key: a generated name is derived from this resource's identity (see
    # _generate_user_name), so a credential _find meets under it was made by an earlier create
    # of this very resource.
    calls = ChildCalls(
        ExotelClient.list_digest_credentials, ExotelClient.delete_digest_credential, "user_name"
    )
    secret_fields = ("password",)
    fields = {
        "trunk_sid": InputSpec(validate_trunk_sid, "replace", required=True),
        # user_name / user_name_prefix replace too; see _diff_more (one of them decides).
        "user_name": InputSpec(validate_user_name),
        "user_name_prefix": InputSpec(validate_user_name_prefix),
        "password": InputSpec(validate_password, "update", unset="keep"),
        "friendly_name": InputSpec(validate_friendly_name, "update", canonical=_or_empty),
        "keepers": InputSpec(validate_keepers, "replace", canonical=_or_empty_map),
        # The trunk's realm, passed along so create needs no read; it follows trunk_sid, so a
        # change alone (wiring it up later) changes nothing.
        "sip_realm": InputSpec(validate_domain_name, unset="keep"),
    }

    # --- check / diff ------------------------------------------------------------------------

    def _check_together(self, inputs: Props) -> list[CheckFailure]:
        user_name, prefix = inputs.get("user_name"), inputs.get("user_name_prefix")
        failures: list[CheckFailure] = []
        if user_name is not None and prefix is not None:
            failures.append(
                CheckFailure(
                    "user_name_prefix",
                    "user_name_prefix cannot be combined with user_name: set user_name for a fixed "
                    "name, or user_name_prefix to have one generated",
                )
            )
        elif user_name is None and prefix is None:
            inputs["user_name_prefix"] = DEFAULT_USER_NAME_PREFIX
        if inputs.get("adopt") is True and user_name is not None and inputs.get("password") is None:
            failures.append(
                CheckFailure(
                    "password",
                    "password is required with adopt=True: Exotel never returns a credential's "
                    "password, so give the password to set on the adopted credential",
                )
            )
        failures.extend(bool_failures(inputs, "verify_at_edge"))
        on_adopt = inputs.get("password_on_adopt")
        if on_adopt is not None and not is_unknown(on_adopt) and on_adopt not in PASSWORD_ON_ADOPT:
            failures.append(
                CheckFailure(
                    "password_on_adopt",
                    f"password_on_adopt {str(on_adopt)[:40]!r} is invalid: must be 'set' (give "
                    "the adopted credential this password) or 'trust' (leave Exotel's password "
                    "as it is and record this one as it)",
                )
            )
        return failures

    def _diff_more(self, olds: Props, news: Props) -> tuple[list[str], list[str]]:
        user_name = news.get("user_name")
        if user_name is not None:
            changed = is_unknown(user_name) or user_name != olds.get("user_name")
            return [], ["user_name"] if changed else []
        prefix = news.get("user_name_prefix")
        changed = is_unknown(prefix) or prefix != olds.get("user_name_prefix")
        return [], ["user_name_prefix"] if changed else []

    def _delete_before_replace(self, olds: Props, news: Props) -> bool:
        return bool(news.get("user_name") == olds.get("user_name"))

    # --- update ------------------------------------------------------------------------------

    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        trunk_sid, credential_id = self._parse_id(id_)
        password = news.get("password") or olds.get("password")
        changes: dict[str, Any] = {}
        if password != olds.get("password"):
            changes["password"] = password
        if _or_empty(news.get("friendly_name")) != _or_empty(olds.get("friendly_name")):
            changes["friendly_name"] = _or_empty(news.get("friendly_name"))
        client = self.client
        credential = (
            client.update_digest_credential(trunk_sid, credential_id, **changes)
            if changes
            else CredentialObject.model_validate({**olds, "id": credential_id})
        )
        return self._outputs(
            {**news, "password": password, "sip_realm": olds.get("sip_realm")}, credential
        )

    def _inputs_from(self, outs: Props) -> Props:
        inputs = super()._inputs_from(outs)
        # Never hand the password back as an input: inputs are only re-encrypted when the old
        # inputs held it as a secret, and a generated password never was an input.
        inputs.pop("password", None)
        if inputs.get("user_name_prefix") is not None:
            inputs.pop("user_name", None)  # generated, not given
        return inputs

    # --- hooks of the shared create / read / delete ------------------------------------------

    def _prepare(self, client: ExotelClient, props: Props) -> Props:
        # Generated here, never in check: checked inputs are stored in state unencrypted.
        user_name = props.get("user_name") or _generate_user_name(
            props.get("user_name_prefix") or DEFAULT_USER_NAME_PREFIX, props
        )
        return {
            **props,
            "user_name": user_name,
            "password": props.get("password") or generate_password(),
            "sip_realm": props.get("sip_realm") or trunk_sip_realm(client, props["trunk_sid"]),
        }

    def _describe(self, props: Props) -> str:
        return f"A credential with user_name {props['user_name']!r} on trunk {props['trunk_sid']}"

    def _post(self, client: ExotelClient, props: Props) -> CredentialObject:
        try:
            return client.create_digest_credential(
                props["trunk_sid"],
                props["user_name"],
                props["password"],
                friendly_name=props.get("friendly_name"),
            )
        except Duplicate as exc:
            raise self._exists_error(self._describe(props), exc) from None

    def _take_over(
        self, client: ExotelClient, found: CredentialObject, props: Props
    ) -> CredentialObject:
        # Exotel never returns a password: set the given one, so state holds the truth, unless
        # the program says the given one already is the password (then nothing is sent).
        trust = props.get("password_on_adopt") == "trust"
        changes: dict[str, Any] = {} if trust else {"password": props["password"]}
        if _or_empty(found.friendly_name) != _or_empty(props.get("friendly_name")):
            changes["friendly_name"] = _or_empty(props.get("friendly_name"))
        if not changes:
            return found
        return client.update_digest_credential(props["trunk_sid"], found.id, **changes)

    def _complete(
        self, client: ExotelClient, props: Props, made: CredentialObject
    ) -> CredentialObject:
        if props.get("verify_at_edge"):
            self._verify_at_edge(
                client.settings, props["sip_realm"], props["user_name"], props["password"]
            )
        return made

    def _fields_of(self, inputs: Props, credential: CredentialObject) -> Props:
        # Exotel never returns the password or the realm: ``inputs`` carry them (what create
        # made, or on read what state holds, the best knowledge there is).
        return {
            "trunk_sid": credential.trunk_sid or inputs.get("trunk_sid"),
            "user_name": credential.user_name,
            "password": inputs.get("password"),
            "friendly_name": credential.friendly_name,
            "sip_realm": inputs.get("sip_realm"),
        }

    # --- the check at the SIP edge -----------------------------------------------------------

    @staticmethod
    def _verify_at_edge(
        settings: ExotelSettings, realm: str, user_name: str, password: str
    ) -> None:
        # Imported here: the SIP client is only needed by the few who ask for verification.
        from pulumi_exotel.sip import verify_credential

        edge = f"{settings.edge_host}:{settings.edge_tls_port}"
        retrying = Retrying(
            stop=stop_after_attempt(_VERIFY_TRIES),
            wait=wait_fixed(_VERIFY_PAUSE_SECONDS),
            retry=retry_if_result(lambda result: result.outcome == "rejected"),
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )
        try:
            result: VerifyResult = retrying(
                verify_credential,
                edge,
                "tls",
                realm,
                user_name,
                password,
                ca_file=settings.edge_ca_file,
                max_attempts=_EDGE_ROUND_TRIPS,
            )
        except ValueError as exc:
            raise ExotelProviderError(f"Cannot verify at the SIP edge {edge}: {exc}") from None
        if not result.accepted:
            raise ExotelProviderError(
                f"The SIP edge {edge} did not accept credential {user_name!r} (realm {realm}) "
                f"over TLS: {result.summary()}. The credential was not kept. Check "
                "exotel:edgeHost / exotel:edgeTlsPort (and exotel:edgeCaFile for a local edge), "
                "or set verify_at_edge=False to skip the check."
            )


class DigestCredential(TrunkChildResource, module="exotel", name="DigestCredential"):
    """A SIP digest credential (user name and password) on a trunk.

    Changing ``friendly_name``, or ``password`` for a fixed ``user_name``, updates it in place;
    changing ``trunk_sid``, ``user_name``/``user_name_prefix`` or ``keepers`` replaces it
    (create-before-delete: rotation without downtime). ``password`` is always a secret. With
    ``adopt=True`` and a ``user_name``, an existing credential with that name is taken over and
    its password set to ``password`` (or, with ``password_on_adopt="trust"``, left as it is and
    ``password`` recorded as it).
    """

    trunk_sid: pulumi.Output[str]
    """SID of the trunk the credential belongs to."""
    user_name: pulumi.Output[str]
    """SIP digest user name (given, or ``<user_name_prefix>_<8 hex>``)."""
    user_name_prefix: pulumi.Output[str | None]
    """Prefix of a generated user name (None when ``user_name`` was given)."""
    password: pulumi.Output[str]
    """SIP digest password; always a secret output."""
    friendly_name: pulumi.Output[str | None]
    """Label shown in Exotel: at most 32 letters, digits or ``_``."""
    keepers: pulumi.Output[dict[str, Any] | None]
    """Arbitrary map; any change replaces the credential (rotation)."""
    credential_id: pulumi.Output[str]
    """Exotel's id of the credential (digits, as a string)."""
    sip_realm: pulumi.Output[str]
    """Digest realm: the trunk's ``sip_realm`` (its domain, ``{account_sid}.pstn.exotel.com``)."""
    verify_at_edge: pulumi.Output[bool]
    """Whether creation proved the credential with a REGISTER at the SIP edge over TLS."""
    password_on_adopt: pulumi.Output[str]
    """With ``adopt=True``: ``set`` gives the adopted credential ``password`` (a rotation), while
    ``trust`` leaves Exotel's password as it is and records ``password`` as it (use the value
    the platform already has; combine with ``verify_at_edge=True`` to prove it)."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk_sid: pulumi.Input[str],
        user_name: pulumi.Input[str] | None = None,
        user_name_prefix: pulumi.Input[str] | None = None,
        password: pulumi.Input[str] | None = None,
        friendly_name: pulumi.Input[str] | None = None,
        keepers: pulumi.Input[dict[str, Any]] | None = None,
        sip_realm: pulumi.Input[str] | None = None,
        verify_at_edge: bool = False,
        adopt: bool = False,
        password_on_adopt: Literal["set", "trust"] = "set",  # noqa: S107 (a mode, not a secret)
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # The password (secret_fields) goes as a secret input, so the state's inputs hold it
        # encrypted, and as an additional secret output, for a generated one.
        super().__init__(DigestCredentialProvider(), resource_name, locals(), opts)
        self.password = pulumi.Output.secret(self.password)
