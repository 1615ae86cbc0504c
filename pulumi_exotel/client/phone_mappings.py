"""Phone mapping calls: ``/trunks/{sid}/phone-numbers`` (DIDs mapped to a trunk)."""

from __future__ import annotations

from pulumi_exotel.client._base import Children, ClientBase
from pulumi_exotel.client.models import (
    CreatePhoneMappingRequest,
    PhoneMapping,
    PhoneMode,
    UpdatePhoneMappingRequest,
)

__all__ = ["PhoneMappingsMixin"]

_MAPPINGS = Children("phone-numbers", PhoneMapping)


class PhoneMappingsMixin(ClientBase):
    def create_phone_mapping(
        self, trunk_sid: str, phone_number: str, mode: PhoneMode = "pstn"
    ) -> PhoneMapping:
        """``POST`` a mapping (``mode`` is always sent). Raises ``Duplicate`` if already mapped."""
        body = CreatePhoneMappingRequest(phone_number=phone_number, mode=mode)
        return self._create_child(
            _MAPPINGS, trunk_sid, body, lambda: self.find_phone_mapping(trunk_sid, phone_number)
        )

    def list_phone_mappings(self, trunk_sid: str, *, max_age: float = 0.0) -> list[PhoneMapping]:
        """All of the trunk's entries; ``max_age`` > 0 shares a recent listing (``listings``)."""
        return self._list_children(_MAPPINGS, trunk_sid, max_age=max_age)

    def find_phone_mapping(self, trunk_sid: str, phone_number: str) -> PhoneMapping | None:
        mappings = self.list_phone_mappings(trunk_sid)
        return next((m for m in mappings if m.phone_number == phone_number), None)

    def update_phone_mapping(
        self, trunk_sid: str, mapping_id: str, *, phone_number: str, mode: PhoneMode
    ) -> PhoneMapping:
        """``PUT …/phone-numbers/{id}``: Exotel requires both the (unchanged) number and mode."""
        body = UpdatePhoneMappingRequest(phone_number=phone_number, mode=mode)
        return self._update_child(_MAPPINGS, trunk_sid, mapping_id, body)

    def delete_phone_mapping(self, trunk_sid: str, mapping_id: str) -> None:
        """``DELETE …/phone-numbers?id=``; raises ``NotFound`` for an unknown id."""
        self._delete_child(_MAPPINGS, trunk_sid, mapping_id)
