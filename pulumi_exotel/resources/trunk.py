"""``exotel.Trunk``: an Exotel SIP trunk, with its outbound caller id (``trunk_external_alias``).

Pulumi id: the trunk SID. ``trunk_name`` and ``caller_id`` change in place; ``domain_name`` and
``nso_code`` replace the trunk, deleting the old one first when the name stays the same (trunk
names are unique per account, so the new trunk could not be created beside the old one).
"""

from __future__ import annotations

import threading
from contextlib import suppress
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult

from pulumi_exotel.client import ApiError, Duplicate, ExotelClient, NotFound, ServerError
from pulumi_exotel.client.models import Trunk as TrunkObject
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.resources.base import (
    ExotelProvider,
    ExotelProviderError,
    ExotelResource,
    InputSpec,
    Props,
    current_settings,
    get_client,
    is_unknown,
)
from pulumi_exotel.resources.intent import POSTING, Intent, made_before
from pulumi_exotel.resources.validation import (
    DEFAULT_NSO_CODE,
    validate_caller_id,
    validate_domain_name,
    validate_nso_code,
    validate_trunk_name,
)

__all__ = ["Trunk", "TrunkProvider", "sip_realm_of", "trunk_sip_realm"]

CALLER_ID_SETTING = "trunk_external_alias"


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def sip_realm_of(domain_name: str | None, settings: ExotelSettings) -> str:
    """The digest realm of credentials on a trunk with ``domain_name``: the SIP domain, by
    default the account's (the trunk's ``sip_realm`` output).

    The one place the provider decides a realm; Exotel (and the emulator) derive the same.
    """
    return domain_name or settings.default_domain_name


_realm_lock = threading.Lock()
_realm_key_locks: dict[tuple[str, str], threading.Lock] = {}
_realms: dict[tuple[str, str], str] = {}


def trunk_sip_realm(client: ExotelClient, trunk_sid: str) -> str:
    """The realm of trunk ``trunk_sid``, read from Exotel at most once per process.

    A trunk's domain cannot change in place (a new domain is a new trunk, with a new SID), so
    the answer stays true for the life of the process; concurrent callers wait for one read.
    """
    key = (client.settings.api_root, trunk_sid)
    with _realm_lock:
        key_lock = _realm_key_locks.setdefault(key, threading.Lock())
    with key_lock:
        realm = _realms.get(key)
        if realm is None:
            realm = sip_realm_of(client.get_trunk(trunk_sid).domain_name, client.settings)
            with _realm_lock:
                _realms[key] = realm
        return realm


class TrunkProvider(ExotelProvider):
    """Create, read, update and delete one trunk (and its caller-id setting)."""

    kind = "trunk"
    resource_class = "Trunk"
    id_field = "trunk_sid"
    stable_outputs = (
        "trunk_sid",
        "domain_name",
        "nso_code",
        "sip_realm",
        "inbound_dial_uri",
        "edge_tcp",
        "edge_tls",
        "date_created",
    )
    fields = {
        "trunk_name": InputSpec(validate_trunk_name, "update", required=True),
        "nso_code": InputSpec(validate_nso_code, "replace", default=DEFAULT_NSO_CODE),
        # Unset = the account default, filled in at create time from exotel:accountSid; check
        # and diff need no config, so leaving it out later keeps whatever the trunk has.
        "domain_name": InputSpec(validate_domain_name, "replace", unset="keep", canonical=_lower),
        "caller_id": InputSpec(validate_caller_id, "update"),
    }

    def _delete_before_replace(self, olds: Props, news: Props) -> bool:
        return bool(olds.get("trunk_name") == news.get("trunk_name"))

    def check(self, olds: Props, news: Props) -> CheckResult:
        result = super().check(olds, news)
        if not result.failures:
            result.inputs.update(self._known_outputs(result.inputs))
        return result

    def _known_outputs(self, inputs: Props) -> Props:
        """Outputs that follow from the inputs and the configuration alone, without Exotel.

        A dynamic provider cannot preview an update, so in a preview the engine hands the
        program the checked inputs as the resource's outputs: what is added to them here stays
        known there (the edge addresses a voice-AI platform is pointed at, the realm), instead
        of turning unknown and making every consumer preview a change.
        """
        try:
            settings = current_settings()
        except ExotelProviderError:  # reported where the settings are needed
            return {}
        known: Props = {
            "edge_tcp": f"{settings.edge_host}:{settings.edge_tcp_port}",
            "edge_tls": f"{settings.edge_host}:{settings.edge_tls_port}",
        }
        domain_name = inputs.get("domain_name")
        if not is_unknown(domain_name):
            # Unset means the account's domain: create and adoption both insist on it.
            known["sip_realm"] = sip_realm_of(domain_name, settings)
        return known

    def _inputs_from(self, outs: Props) -> Props:
        # What check adds, so a refresh leaves the stored inputs as the next check makes them.
        known = ("edge_tcp", "edge_tls", "sip_realm")
        return {**super()._inputs_from(outs), **{k: outs[k] for k in known if outs.get(k)}}

    def _create(self, props: Props) -> tuple[str, Props]:
        settings = current_settings()
        client = get_client(settings)
        name = props["trunk_name"]
        nso_code = props.get("nso_code") or DEFAULT_NSO_CODE
        domain_name = props.get("domain_name") or settings.default_domain_name
        caller_id = props.get("caller_id")
        # The intent journal (intent.py): a trunk an interrupted create of this resource made
        # is taken over; the record is written before the POST.
        intent = Intent.of(client.journal, self.resource_class, props, name)
        existing = self._recover(client, intent, name) if intent is not None else None
        if existing is None and props.get("adopt"):
            existing = client.find_trunk(name)
        if existing is not None:
            self._check_adoptable(existing, domain_name, nso_code)
            trunk = existing
            self._set_caller_id(client, trunk.trunk_sid, caller_id, self._caller_id(client, trunk))
            return trunk.trunk_sid, self._outputs(props, trunk, caller_id, settings)
        if intent is not None:
            intent.posting()
        try:
            trunk = client.create_trunk(name, domain_name=domain_name, nso_code=nso_code)
        except Duplicate as exc:
            if intent is not None:
                intent.done()  # someone else's trunk: never taken over without adopt
            raise self._exists_error(f"A trunk named {name!r}", exc) from None
        except ApiError as exc:
            if intent is not None and not isinstance(exc, ServerError):
                intent.done()
            raise
        if intent is not None:
            intent.made(trunk.trunk_sid)
        # If the undo fails too, the record stays: the next create takes the trunk over.
        undone = intent.done if intent is not None else None
        with self._undo_on_error(lambda: client.delete_trunk(trunk.trunk_sid), undone=undone):
            self._set_caller_id(client, trunk.trunk_sid, caller_id, None)
        return trunk.trunk_sid, self._outputs(props, trunk, caller_id, settings)

    def _recover(self, client: ExotelClient, intent: Intent, name: str) -> TrunkObject | None:
        """The trunk an interrupted earlier create of this resource made, if it exists."""
        record = intent.get()
        if record is None:
            return None
        found: TrunkObject | None = None
        if record.get("object_id"):
            with suppress(NotFound):
                found = client.get_trunk(str(record["object_id"]))
        if found is None and record.get("phase") == POSTING:
            found = client.find_trunk(name)
            if found is not None and made_before(found.date_created, record):
                found = None  # older than the attempt: someone else's trunk
        if found is None:
            intent.done()
            return None
        intent.made(found.trunk_sid)
        return found

    def _forget_intent(self, client: ExotelClient, props: Props, trunk_sid: str) -> None:
        """State holds ``trunk_sid`` now: its intent record is no longer needed."""
        name = props.get("trunk_name")
        intent = Intent.of(client.journal, self.resource_class, props, name) if name else None
        if intent is not None:
            intent.done_with(trunk_sid)

    def _read(self, id_: str, props: Props) -> Props | None:
        settings = current_settings()
        client = get_client(settings)
        trunk = client.get_trunk(id_)
        self._forget_intent(client, props, id_)
        return self._outputs(props, trunk, self._caller_id(client, trunk), settings)

    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        settings = current_settings()
        client = get_client(settings)
        self._forget_intent(client, olds, id_)
        if olds.get("trunk_name") != news["trunk_name"]:
            trunk = client.update_trunk(id_, trunk_name=news["trunk_name"])
        else:
            trunk = TrunkObject.model_validate(olds)  # unchanged: no need to read it back
        self._set_caller_id(client, id_, news.get("caller_id"), olds.get("caller_id"))
        return self._outputs(news, trunk, news.get("caller_id"), settings)

    def _delete(self, id_: str, props: Props) -> None:
        client = self.client
        self._forget_intent(client, props, id_)
        client.delete_trunk(id_)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _caller_id(client: ExotelClient, trunk: TrunkObject) -> str | None:
        setting = client.find_trunk_setting(trunk.trunk_sid, CALLER_ID_SETTING)
        return setting.value if setting is not None else None

    @staticmethod
    def _set_caller_id(
        client: ExotelClient, trunk_sid: str, wanted: str | None, current: str | None
    ) -> None:
        if wanted == current:
            return
        if wanted is not None:
            client.set_trunk_settings(trunk_sid, {CALLER_ID_SETTING: wanted})
            return
        with suppress(NotFound):  # already unset
            client.delete_trunk_setting(trunk_sid, CALLER_ID_SETTING)

    @staticmethod
    def _check_adoptable(trunk: TrunkObject, domain_name: str, nso_code: str) -> None:
        """Adoption must not leave a replacement pending: refuse fields that cannot change."""
        for field, have, want in (
            ("domain_name", (trunk.domain_name or "").lower(), domain_name.lower()),
            ("nso_code", trunk.nso_code or DEFAULT_NSO_CODE, nso_code),
        ):
            if have != want:
                raise ExotelProviderError(
                    f"Cannot adopt trunk {trunk.trunk_name!r} ({trunk.trunk_sid}): its {field} "
                    f"is {have!r} but the program asks for {want!r}, and {field} cannot change "
                    f"in place. Set {field}={have!r} to adopt it as it is."
                )

    @staticmethod
    def _outputs(
        inputs: Props, trunk: TrunkObject, caller_id: str | None, settings: ExotelSettings
    ) -> Props:
        domain_name = trunk.domain_name or inputs.get("domain_name")
        return {
            **inputs,
            "trunk_name": trunk.trunk_name,
            "nso_code": trunk.nso_code or inputs.get("nso_code") or DEFAULT_NSO_CODE,
            "domain_name": domain_name,
            "caller_id": caller_id,
            "trunk_sid": trunk.trunk_sid,
            "status": trunk.status,
            "auth_type": trunk.auth_type,
            "registration_enabled": trunk.registration_enabled,
            "secure_trunking": trunk.secure_trunking,
            "edge_preference": trunk.edge_preference,
            "date_created": trunk.date_created,
            "date_updated": trunk.date_updated,
            "inbound_dial_uri": f"sip:{trunk.trunk_sid}",
            "edge_tcp": f"{settings.edge_host}:{settings.edge_tcp_port}",
            "edge_tls": f"{settings.edge_host}:{settings.edge_tls_port}",
            "sip_realm": sip_realm_of(domain_name, settings),
        }


class Trunk(ExotelResource, module="exotel", name="Trunk"):
    """An Exotel SIP trunk.

    Changing ``trunk_name`` or ``caller_id`` updates the trunk in place; changing
    ``domain_name`` or ``nso_code`` replaces it. With ``adopt=True`` an existing trunk with the
    same ``trunk_name`` is taken over instead of failing as a duplicate.
    """

    trunk_sid: pulumi.Output[str]
    """Exotel's id of the trunk (also the Pulumi id), e.g. ``trmum1f708622631150902801a1n``."""
    trunk_name: pulumi.Output[str]
    """Name of the trunk: 1-16 letters, digits or ``_``, unique in the account."""
    nso_code: pulumi.Output[str]
    """Number series code; Exotel accepts only ``ANY-ANY``."""
    domain_name: pulumi.Output[str]
    """SIP domain of the trunk, ``{account_sid}.pstn.exotel.com`` unless given."""
    caller_id: pulumi.Output[str | None]
    """Outbound caller id (E.164), Exotel's ``trunk_external_alias`` setting; None if unset."""
    status: pulumi.Output[str]
    """``active`` or ``inactive`` (set by Exotel)."""
    auth_type: pulumi.Output[str]
    """How the trunk authenticates calls, e.g. ``IP-WHITELIST`` (set by Exotel)."""
    registration_enabled: pulumi.Output[str]
    """``enabled`` or ``disabled`` (set by Exotel)."""
    secure_trunking: pulumi.Output[str]
    """``enabled`` or ``disabled`` (set by Exotel)."""
    edge_preference: pulumi.Output[str]
    """Edge selection, e.g. ``auto`` (set by Exotel)."""
    inbound_dial_uri: pulumi.Output[str]
    """What an App Bazaar Connect applet dials to reach this trunk: ``sip:<trunk_sid>``."""
    edge_tcp: pulumi.Output[str]
    """SIP edge ``host:port`` for TCP (``exotel:edgeHost`` / ``exotel:edgeTcpPort``)."""
    edge_tls: pulumi.Output[str]
    """SIP edge ``host:port`` for TLS (``exotel:edgeHost`` / ``exotel:edgeTlsPort``)."""
    sip_realm: pulumi.Output[str]
    """Digest realm and SIP domain for credentials on this trunk (= ``domain_name``)."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk_name: pulumi.Input[str],
        nso_code: pulumi.Input[str] | None = None,
        domain_name: pulumi.Input[str] | None = None,
        caller_id: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TrunkProvider(), resource_name, locals(), opts)
        # From the id, not the provider's outputs: the engine keeps the id known in a preview
        # of an in-place update, so the trunk's children see the same SID and preview as
        # unchanged instead of replaced.
        self.trunk_sid = self.id
        self.inbound_dial_uri = self.id.apply(lambda sid: f"sip:{sid}")
