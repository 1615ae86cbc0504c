"""``exotel.WhitelistedIp``: one public IPv4 address allowed to send SIP to a trunk (its ACL).

Pulumi id: ``trunk_sid/acl_id``. Nothing changes in place: any change replaces the entry, the
new one first, so calls from the address keep working during the swap. An IP-literal
``DestinationUri`` needs the entry for its IP first; pass this resource to it as
``whitelisted_ip=`` so Pulumi orders the two.
"""

from __future__ import annotations

import pulumi

from pulumi_exotel.client import Duplicate, ExotelClient
from pulumi_exotel.client.models import WhitelistedIp as AclObject
from pulumi_exotel.resources.base import ExotelProviderError, InputSpec, Props
from pulumi_exotel.resources.children import ChildCalls, TrunkChildProvider, TrunkChildResource
from pulumi_exotel.resources.validation import (
    DEFAULT_MASK,
    validate_mask,
    validate_trunk_sid,
    validate_whitelist_ip,
)

__all__ = ["WhitelistedIp", "WhitelistedIpProvider"]


def _mask(props: Props) -> int:
    return props.get("mask") or DEFAULT_MASK


class WhitelistedIpProvider(TrunkChildProvider[AclObject]):
    """Create, read and delete one ACL entry (there is no in-place update)."""

    kind = "whitelisted ip"
    resource_class = "WhitelistedIp"
    id_field = "acl_id"
    stable_outputs = ("trunk_sid", "ip", "mask", "acl_id", "date_created")
    calls = ChildCalls(ExotelClient.list_whitelisted_ips, ExotelClient.delete_whitelisted_ip, "ip")
    fields = {
        "trunk_sid": InputSpec(validate_trunk_sid, "replace", required=True),
        "ip": InputSpec(validate_whitelist_ip, "replace", required=True),
        "mask": InputSpec(validate_mask, "replace", default=DEFAULT_MASK),
    }

    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        # diff never asks for an update: every field replaces the entry.
        raise ExotelProviderError(f"WhitelistedIp {id_} cannot be updated in place")

    # --- hooks of the shared create / read / delete ----------------------------------------

    def _describe(self, props: Props) -> str:
        return f"IP {props['ip']} on trunk {props['trunk_sid']}'s ACL"

    def _post(self, client: ExotelClient, props: Props) -> AclObject:
        try:
            return client.create_whitelisted_ip(props["trunk_sid"], props["ip"], _mask(props))
        except Duplicate as exc:
            raise self._exists_error(self._describe(props), exc) from None

    def _take_over(self, client: ExotelClient, found: AclObject, props: Props) -> AclObject:
        mask = _mask(props)
        if found.mask != mask:
            raise ExotelProviderError(
                f"Cannot adopt the ACL entry for {props['ip']} on trunk {props['trunk_sid']}: its "
                f"mask is /{found.mask}, not /{mask}. Delete it in Exotel and run again, so it "
                "is re-created as a single address."
            )
        return found

    def _fields_of(self, inputs: Props, entry: AclObject) -> Props:
        return {"ip": entry.ip, "mask": entry.mask}


class WhitelistedIp(TrunkChildResource, module="exotel", name="WhitelistedIp"):
    """One public IPv4 address on a trunk's ACL (Exotel's trunk ACL takes single addresses).

    Every change replaces the entry. With ``adopt=True`` an existing entry for the same IP on
    the trunk is taken over instead of failing as a duplicate.
    """

    trunk_sid: pulumi.Output[str]
    """SID of the trunk whose ACL holds the address."""
    ip: pulumi.Output[str]
    """The allowed public IPv4 address, e.g. ``44.248.146.11``."""
    mask: pulumi.Output[int]
    """Always 32: one address per entry."""
    acl_id: pulumi.Output[str]
    """Exotel's id of the ACL entry (digits, as a string)."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk_sid: pulumi.Input[str],
        ip: pulumi.Input[str],
        mask: pulumi.Input[int] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(WhitelistedIpProvider(), resource_name, locals(), opts)
