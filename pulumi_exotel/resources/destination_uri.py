"""``exotel.DestinationUri``: where Exotel sends a trunk's inbound calls (``host:port;transport``).

Pulumi id: ``trunk_sid/destination_id``. ``priority`` and ``weight`` change in place;
``trunk_sid`` and ``destination`` replace the entry (new one first). Destinations are compared
without a ``sip:`` prefix and in lower case, the form ``check`` stores.

Exotel appends a repeated destination instead of refusing it, so ``create`` must know whether
an equal entry exists: the first create on a trunk lists its destinations once per run, later
ones decide from that list and what this run made (``natural_keys``). With ``adopt=True`` an
equal entry is taken over; otherwise it is an error, and so is the same destination asked for
by two resources of one program.
An IP-literal destination needs a ``WhitelistedIp`` for that IP on the trunk first; Exotel's
"Destination not whitelisted" becomes a message saying what to add.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_exotel.client import ApiError, ExotelClient
from pulumi_exotel.client.models import DestinationUri as DestinationObject
from pulumi_exotel.client.models import normalize_destination
from pulumi_exotel.resources.base import ExotelProviderError, InputSpec, Props, is_unknown
from pulumi_exotel.resources.children import ChildCalls, TrunkChildProvider, TrunkChildResource
from pulumi_exotel.resources.validation import (
    TRUNK_SID_RE,
    excerpt,
    parse_child_id,
    parse_destination,
    validate_destination,
    validate_priority,
    validate_trunk_sid,
    validate_weight,
)
from pulumi_exotel.resources.whitelisted_ip import WhitelistedIp, WhitelistedIpProvider

__all__ = ["DestinationUri", "DestinationUriProvider"]

DEFAULT_PRIORITY = 0
DEFAULT_WEIGHT = 1


def _canonical(value: Any) -> Any:
    return normalize_destination(value) if isinstance(value, str) else value


class DestinationUriProvider(TrunkChildProvider[DestinationObject]):
    """Create, read, update and delete one inbound destination of a trunk."""

    kind = "destination uri"
    resource_class = "DestinationUri"
    id_field = "destination_id"
    stable_outputs = ("trunk_sid", "destination", "destination_id", "type", "date_created")
    create_only = ("adopt", "whitelisted_ip")
    looks_before_posting = True  # Exotel appends a repeated destination instead of refusing it
    calls = ChildCalls(
        ExotelClient.list_destination_uris, ExotelClient.delete_destination_uri, "destination"
    )
    fields = {
        "trunk_sid": InputSpec(validate_trunk_sid, "replace", required=True),
        "destination": InputSpec(
            validate_destination, "replace", required=True, canonical=_canonical
        ),
        "priority": InputSpec(validate_priority, "update", default=DEFAULT_PRIORITY),
        "weight": InputSpec(validate_weight, "update", default=DEFAULT_WEIGHT),
    }

    def _check_together(self, inputs: Props) -> list[CheckFailure]:
        acl = inputs.get("whitelisted_ip")
        if acl is None or is_unknown(acl):
            return []
        try:
            acl_trunk, _ = parse_child_id(
                str(acl), WhitelistedIpProvider.resource_class, WhitelistedIpProvider.id_field
            )
        except ValueError as exc:
            return [CheckFailure("whitelisted_ip", f"whitelisted_ip: {exc}")]
        trunk_sid = inputs.get("trunk_sid")
        if (
            isinstance(trunk_sid, str)
            and TRUNK_SID_RE.fullmatch(trunk_sid)
            and acl_trunk != trunk_sid
        ):
            return [
                CheckFailure(
                    "whitelisted_ip",
                    f"whitelisted_ip {excerpt(acl)} is invalid: it is an ACL entry of trunk "
                    f"{acl_trunk}, but this destination is on trunk {trunk_sid}",
                )
            ]
        return []

    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        trunk_sid, destination_id = self._parse_id(id_)
        entry = self.client.update_destination_uri(
            trunk_sid, destination_id, priority=news.get("priority"), weight=news.get("weight")
        )
        return self._outputs(news, entry)

    # --- hooks of the shared create / read / delete ----------------------------------------

    def _describe(self, props: Props) -> str:
        return f"Destination {props['destination']!r} on trunk {props['trunk_sid']}"

    def _natural_key(self, props: Props) -> str:
        return normalize_destination(props["destination"])

    def _key_of(self, entry: DestinationObject) -> str:
        return entry.normalized

    def _repeats(self, client: ExotelClient, props: Props, keep_id: str) -> list[DestinationObject]:
        return [entry for entry in self._with_key(client, props) if entry.id != keep_id]

    def _post(self, client: ExotelClient, props: Props) -> DestinationObject:
        trunk_sid, destination = props["trunk_sid"], props["destination"]
        try:
            return client.create_destination_uri(trunk_sid, destination)
        except ApiError as exc:
            if "not whitelisted" not in f"{exc.message} {exc.description}".lower():
                raise
            host = parse_destination(destination).host
            raise ExotelProviderError(
                f"Exotel refused destination {destination!r} on trunk {trunk_sid}: {host} is "
                f'not on the trunk\'s ACL ({exc}). Add exotel.WhitelistedIp("...", '
                f'trunk_sid=<the trunk>.trunk_sid, ip="{host}") and pass it to this '
                "DestinationUri as whitelisted_ip=<that resource>, so Pulumi creates it first."
            ) from None

    def _take_over(
        self, client: ExotelClient, found: DestinationObject, props: Props
    ) -> DestinationObject:
        return found  # its routing is set by _complete, as for a new entry

    def _complete(
        self, client: ExotelClient, props: Props, made: DestinationObject
    ) -> DestinationObject:
        """Bring priority and weight to the wanted values (Exotel's POST takes neither)."""
        priority = props.get("priority", DEFAULT_PRIORITY)
        weight = props.get("weight", DEFAULT_WEIGHT)
        if (made.priority, made.weight) == (priority, weight):
            return made
        return client.update_destination_uri(
            props["trunk_sid"], made.id, priority=priority, weight=weight
        )

    def _fields_of(self, inputs: Props, entry: DestinationObject) -> Props:
        return {
            "destination": entry.normalized,
            "priority": entry.priority,
            "weight": entry.weight,
            "type": entry.type,
        }


class DestinationUri(TrunkChildResource, module="exotel", name="DestinationUri"):
    """Where Exotel sends the trunk's inbound calls, e.g. ``sip.example.com:5061;transport=tls``.

    Changing ``priority`` or ``weight`` updates the entry in place; changing ``trunk_sid`` or
    ``destination`` replaces it. An IP-literal destination needs a ``WhitelistedIp`` for that
    IP: pass it as ``whitelisted_ip`` so Pulumi creates it first. With ``adopt=True`` an equal
    existing destination on the trunk is taken over instead of failing.
    """

    trunk_sid: pulumi.Output[str]
    """SID of the trunk whose inbound calls go here."""
    destination: pulumi.Output[str]
    """``host:port;transport=tls|tcp``, lower case, without ``sip:`` (Exotel shows it with)."""
    priority: pulumi.Output[int]
    """Lower is tried first (0-65535, default 0)."""
    weight: pulumi.Output[int]
    """Share of traffic among equal priorities; higher gets more (1-65535, default 1)."""
    whitelisted_ip: pulumi.Output[str | None]
    """Id of the ``WhitelistedIp`` this destination was ordered after, if one was given."""
    destination_id: pulumi.Output[str]
    """Exotel's id of the destination (digits, as a string)."""
    type: pulumi.Output[str]
    """Exotel's classification of the destination, e.g. ``public``."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk_sid: pulumi.Input[str],
        destination: pulumi.Input[str],
        priority: pulumi.Input[int] | None = None,
        weight: pulumi.Input[int] | None = None,
        whitelisted_ip: WhitelistedIp | pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Only the id goes to the provider: the dependency on the ACL entry comes with it.
        acl = whitelisted_ip.id if isinstance(whitelisted_ip, WhitelistedIp) else whitelisted_ip
        given = {**locals(), "whitelisted_ip": acl}
        super().__init__(DestinationUriProvider(), resource_name, given, opts)
