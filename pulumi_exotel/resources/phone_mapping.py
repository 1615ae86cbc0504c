"""``exotel.PhoneMapping``: a DID (Exophone) mapped to a trunk, in ``pstn`` or ``flow`` mode.

Pulumi id: ``trunk_sid/mapping_id``. ``mode`` changes in place (PUT with the unchanged number);
``trunk_sid`` and ``phone_number`` replace the mapping. A number can be mapped only once per
account, so moving the same number to another trunk unmaps it first (delete-before-replace).
"""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_exotel.client import Duplicate, ExotelClient
from pulumi_exotel.client.models import PhoneMapping as MappingObject
from pulumi_exotel.resources.base import ExotelProviderError, InputSpec, Props
from pulumi_exotel.resources.children import ChildCalls, TrunkChildProvider, TrunkChildResource
from pulumi_exotel.resources.validation import validate_e164, validate_mode, validate_trunk_sid

__all__ = ["PhoneMapping", "PhoneMappingProvider"]

DEFAULT_MODE = "pstn"


def _mode(value: Any) -> Any:
    # Exotel stores an omitted mode as null, which behaves as pstn.
    return value or DEFAULT_MODE


class PhoneMappingProvider(TrunkChildProvider[MappingObject]):
    """Create, read, update and delete one DID-to-trunk mapping."""

    kind = "phone mapping"
    resource_class = "PhoneMapping"
    id_field = "mapping_id"
    stable_outputs = ("trunk_sid", "phone_number", "mapping_id", "date_created")
    calls = ChildCalls(
        ExotelClient.list_phone_mappings, ExotelClient.delete_phone_mapping, "phone_number"
    )
    fields = {
        "trunk_sid": InputSpec(validate_trunk_sid, "replace", required=True),
        "phone_number": InputSpec(validate_e164, "replace", required=True),
        "mode": InputSpec(validate_mode, "update", default=DEFAULT_MODE, canonical=_mode),
    }

    def _delete_before_replace(self, olds: Props, news: Props) -> bool:
        return bool(olds.get("phone_number") == news.get("phone_number"))

    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        trunk_sid, mapping_id = self._parse_id(id_)
        mapping = self.client.update_phone_mapping(
            trunk_sid, mapping_id, phone_number=news["phone_number"], mode=news["mode"]
        )
        return self._outputs(news, mapping)

    # --- hooks of the shared create / read / delete ----------------------------------------

    def _describe(self, props: Props) -> str:
        return f"A mapping of phone number {props['phone_number']} (on this or another trunk)"

    def _post(self, client: ExotelClient, props: Props) -> MappingObject:
        trunk_sid, number = props["trunk_sid"], props["phone_number"]
        try:
            return client.create_phone_mapping(trunk_sid, number, _mode(props.get("mode")))
        except Duplicate as exc:
            if props.get("adopt"):  # then it was not found on this trunk
                raise ExotelProviderError(
                    f"Cannot adopt phone number {number}: it is mapped to another trunk, not "
                    f"{trunk_sid} ({exc}). Unmap it there first, or point trunk_sid at that "
                    "trunk."
                ) from None
            raise self._exists_error(self._describe(props), exc) from None

    def _take_over(self, client: ExotelClient, found: MappingObject, props: Props) -> MappingObject:
        mode = _mode(props.get("mode"))
        if found.mode == mode:
            return found
        return client.update_phone_mapping(
            props["trunk_sid"], found.id, phone_number=props["phone_number"], mode=mode
        )

    def _fields_of(self, inputs: Props, mapping: MappingObject) -> Props:
        return {"phone_number": mapping.phone_number, "mode": _mode(mapping.mode)}


class PhoneMapping(TrunkChildResource, module="exotel", name="PhoneMapping"):
    """A phone number (an Exophone of the account) mapped to a trunk.

    Changing ``mode`` updates the mapping in place; changing ``trunk_sid`` or ``phone_number``
    replaces it. With ``adopt=True`` an existing mapping of the number on this trunk is taken
    over instead of failing as a duplicate.
    """

    trunk_sid: pulumi.Output[str]
    """SID of the trunk the number is mapped to."""
    phone_number: pulumi.Output[str]
    """The DID in E.164 form, e.g. ``+918047091234``."""
    mode: pulumi.Output[str]
    """``pstn`` (Connect applet and PSTN, the default) or ``flow`` (Voicebot/StreamKit)."""
    mapping_id: pulumi.Output[str]
    """Exotel's id of the mapping (digits, as a string)."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk_sid: pulumi.Input[str],
        phone_number: pulumi.Input[str],
        mode: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(PhoneMappingProvider(), resource_name, locals(), opts)
