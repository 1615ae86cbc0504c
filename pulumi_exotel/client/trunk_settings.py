"""Trunk setting calls: ``/trunks/{sid}/settings`` (``trunk_external_alias`` = caller id).

``POST`` is a batch; Exotel documents only the first write, so a repeat is treated like any
create: after an unknown outcome the settings are read back before posting again.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_exotel.client._base import Children, ClientBase
from pulumi_exotel.client.models import SettingItem, SetTrunkSettingsRequest, TrunkSetting

__all__ = ["TrunkSettingsMixin"]


_SETTINGS = Children("settings", TrunkSetting)


class TrunkSettingsMixin(ClientBase):
    def set_trunk_settings(self, trunk_sid: str, settings: Mapping[str, str]) -> list[TrunkSetting]:
        """``POST`` settings by name; returns one ``TrunkSetting`` per name sent."""
        body = SetTrunkSettingsRequest(
            settings=[SettingItem(name=k, value=v) for k, v in settings.items()]
        )

        def already_set() -> list[TrunkSetting] | None:
            current = {s.name: s for s in self.list_trunk_settings(trunk_sid)}
            wanted = [current.get(name) for name in settings]
            if all(s is not None and s.value == settings[s.name] for s in wanted):
                return [s for s in wanted if s is not None]
            return None

        return self._core.create(
            _SETTINGS.path(trunk_sid),
            body,
            lambda answer: self._core.batch(answer, TrunkSetting),
            already_set,
        )

    def list_trunk_settings(self, trunk_sid: str) -> list[TrunkSetting]:
        return self._list_children(_SETTINGS, trunk_sid)

    def find_trunk_setting(self, trunk_sid: str, name: str) -> TrunkSetting | None:
        return next((s for s in self.list_trunk_settings(trunk_sid) if s.name == name), None)

    def delete_trunk_setting(self, trunk_sid: str, name: str) -> None:
        """``DELETE …/settings?name=``; raises ``NotFound`` if the setting is not set."""
        self._delete_child(_SETTINGS, trunk_sid, name, key="name")
