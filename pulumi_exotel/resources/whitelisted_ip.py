"""``exotel.WhitelistedIp``: one public IPv4 address allowed to send SIP to a trunk (its ACL).

Pulumi id: ``trunk_sid/acl_id``. Nothing changes in place: any change replaces the entry, the
new one first, so calls from the address keep working during the swap. An IP-literal
``DestinationUri`` needs the entry for its IP first; pass this resource to it as
``whitelisted_ip=`` so Pulumi orders the two.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_exotel.client import Duplicate
from pulumi_exotel.client.models import WhitelistedIp as AclObject
from pulumi_exotel.resources.base import (
    ExotelProvider,
    ExotelProviderError,
    Field,
    Props,
    by_id,
    child_id,
)
from pulumi_exotel.resources.validation import (
    DEFAULT_MASK,
    validate_mask,
    validate_trunk_sid,
    validate_whitelist_ip,
)

__all__ = ["WhitelistedIp", "WhitelistedIpProvider"]

_OUTPUTS = ("acl_id", "date_created", "date_updated")


class WhitelistedIpProvider(ExotelProvider):
    """Create, read and delete one ACL entry (there is no in-place update)."""

    kind = "whitelisted ip"
    resource_class = "WhitelistedIp"
    id_field = "acl_id"
    fields = {
        "trunk_sid": Field(validate_trunk_sid, "replace", required=True),
        "ip": Field(validate_whitelist_ip, "replace", required=True),
        "mask": Field(validate_mask, "replace", default=DEFAULT_MASK),
    }

    def _create(self, props: Props) -> tuple[str, Props]:
        client = self.client
        trunk_sid, ip = props["trunk_sid"], props["ip"]
        mask = props.get("mask") or DEFAULT_MASK
        existing = client.find_whitelisted_ip(trunk_sid, ip) if props.get("adopt") else None
        if existing is not None:
            if existing.mask != mask:
                raise ExotelProviderError(
                    f"Cannot adopt the ACL entry for {ip} on trunk {trunk_sid}: its mask is "
                    f"/{existing.mask}, not /{mask}. Delete it in Exotel and run again, so it "
                    "is re-created as a single address."
                )
            entry = existing
        else:
            try:
                entry = client.create_whitelisted_ip(trunk_sid, ip, mask)
            except Duplicate as exc:
                raise self._exists_error(f"IP {ip} on trunk {trunk_sid}'s ACL", exc) from None
        return child_id(trunk_sid, entry.id), self._outputs(props, entry)

    def _read(self, id_: str, props: Props) -> Props | None:
        trunk_sid, acl_id = self._parse_id(id_)
        client = self.client
        entry = by_id(client.list_whitelisted_ips(trunk_sid), acl_id)
        return None if entry is None else self._outputs({**props, "trunk_sid": trunk_sid}, entry)

    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        # diff never asks for an update: every field replaces the entry.
        raise ExotelProviderError(f"WhitelistedIp {id_} cannot be updated in place")

    def _delete(self, id_: str, props: Props) -> None:
        trunk_sid, acl_id = self._parse_id(id_)
        self.client.delete_whitelisted_ip(trunk_sid, acl_id)

    @staticmethod
    def _outputs(inputs: Props, entry: AclObject) -> Props:
        return {
            **inputs,
            "ip": entry.ip,
            "mask": entry.mask,
            "acl_id": entry.id,
            "date_created": entry.date_created,
            "date_updated": entry.date_updated,
        }


class WhitelistedIp(Resource, module="exotel", name="WhitelistedIp"):
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
    date_created: pulumi.Output[str]
    """When Exotel created the entry (ISO-8601 UTC)."""
    date_updated: pulumi.Output[str]
    """When Exotel last changed the entry (ISO-8601 UTC)."""
    adopt: pulumi.Output[bool]
    """Whether creation took over an existing entry for the IP."""

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
        props: dict[str, Any] = {
            "trunk_sid": trunk_sid,
            "ip": ip,
            "mask": mask,
            "adopt": adopt,
            **dict.fromkeys(_OUTPUTS),
        }
        super().__init__(WhitelistedIpProvider(), resource_name, props, opts)
