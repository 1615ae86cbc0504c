"""Whitelisted IP (ACL) calls: ``/trunks/{sid}/whitelisted-ips``."""

from __future__ import annotations

from pulumi_exotel.client._base import Children, ClientBase
from pulumi_exotel.client.models import CreateWhitelistedIpRequest, WhitelistedIp

__all__ = ["WhitelistedIpsMixin"]

_ACL = Children("whitelisted-ips", WhitelistedIp)


class WhitelistedIpsMixin(ClientBase):
    def create_whitelisted_ip(self, trunk_sid: str, ip: str, mask: int = 32) -> WhitelistedIp:
        """``POST`` an ACL entry. Raises ``Duplicate`` if the IP is already allowed."""
        body = CreateWhitelistedIpRequest(ip=ip, mask=mask)
        return self._create_child(
            _ACL, trunk_sid, body, lambda: self.find_whitelisted_ip(trunk_sid, ip)
        )

    def list_whitelisted_ips(self, trunk_sid: str, *, max_age: float = 0.0) -> list[WhitelistedIp]:
        """All of the trunk's entries; ``max_age`` > 0 shares a recent listing (``listings``)."""
        return self._list_children(_ACL, trunk_sid, max_age=max_age)

    def find_whitelisted_ip(self, trunk_sid: str, ip: str) -> WhitelistedIp | None:
        entries = self.list_whitelisted_ips(trunk_sid)
        return next((e for e in entries if e.ip == ip.strip()), None)

    def delete_whitelisted_ip(self, trunk_sid: str, acl_id: str) -> None:
        """``DELETE …/whitelisted-ips?id=``; raises ``NotFound`` for an unknown id."""
        self._delete_child(_ACL, trunk_sid, acl_id)
