"""Trunk calls: ``/trunks`` (create, list with a ``trunk_sid`` filter, PUT, DELETE ?trunk_sid=)."""

from __future__ import annotations

from pulumi_exotel.client._base import ClientBase
from pulumi_exotel.client.errors import NotFound
from pulumi_exotel.client.http import PAGE_SIZE
from pulumi_exotel.client.models import CreateTrunkRequest, Trunk, UpdateTrunkRequest

__all__ = ["TrunksMixin"]


class TrunksMixin(ClientBase):
    def create_trunk(
        self, trunk_name: str, *, domain_name: str | None = None, nso_code: str = "ANY-ANY"
    ) -> Trunk:
        """``POST /trunks``. ``domain_name`` defaults to ``{account_sid}.pstn.exotel.com``.

        Raises ``Duplicate`` if a trunk with this name already existed before the call.
        """
        body = CreateTrunkRequest(
            trunk_name=trunk_name,
            nso_code=nso_code,
            domain_name=domain_name or self.settings.default_domain_name,
        )
        return self._create_one(
            "trunks", body, Trunk, "POST /trunks", lambda: self.find_trunk(trunk_name)
        )

    def list_trunks(
        self, *, trunk_sid: str | None = None, page_size: int = PAGE_SIZE
    ) -> list[Trunk]:
        """``GET /trunks``, every page; ``trunk_sid`` narrows it to one trunk."""
        params = {"trunk_sid": trunk_sid} if trunk_sid else None
        trunks = self._core.list_all("trunks", Trunk, params, page_size=page_size)
        if trunk_sid:
            # The filter is documented by the developer site only; do not trust it blindly.
            trunks = [t for t in trunks if t.trunk_sid == trunk_sid]
        return trunks

    def get_trunk(self, trunk_sid: str) -> Trunk:
        """One trunk by sid (via ``GET /trunks?trunk_sid=``); raises ``NotFound``."""
        for trunk in self.list_trunks(trunk_sid=trunk_sid):
            return trunk
        raise NotFound(404, 1000, "Not Found", f"no trunk with trunk_sid {trunk_sid}")

    def find_trunk(self, trunk_name: str) -> Trunk | None:
        """The trunk named ``trunk_name``, or None. Names are unique per account."""
        return next((t for t in self.list_trunks() if t.trunk_name == trunk_name), None)

    def update_trunk(
        self,
        trunk_sid: str,
        *,
        trunk_name: str | None = None,
        auth_type: str | None = None,
        nso_code: str | None = None,
    ) -> Trunk:
        """``PUT /trunks/{sid}`` with the given fields only; returns the trunk after the change."""
        body = UpdateTrunkRequest(trunk_name=trunk_name, auth_type=auth_type, nso_code=nso_code)
        answer = self._put("trunks", trunk_sid, body)
        # The PUT response is undocumented; read the trunk back if it carries none.
        return self._core.one(answer or {}, Trunk) or self.get_trunk(trunk_sid)

    def delete_trunk(self, trunk_sid: str) -> None:
        """``DELETE /trunks?trunk_sid=`` (cascades to the trunk's children); raises ``NotFound``."""
        self._delete("trunks", {"trunk_sid": trunk_sid})
