"""What every per-concept mixin of ``ExotelClient`` shares: the settings and the HTTP core."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from pulumi_exotel.client.errors import ApiError
from pulumi_exotel.client.http import HttpCore, JsonBody
from pulumi_exotel.config import ExotelSettings

__all__ = ["ClientBase"]

ModelT = TypeVar("ModelT", bound=BaseModel)


class ClientBase:
    """Attributes the mixins rely on; ``ExotelClient.__init__`` sets them."""

    settings: ExotelSettings
    _core: HttpCore

    def _required(self, body: JsonBody | None, model: type[ModelT], what: str) -> ModelT:
        """``data`` of a single envelope that must carry one."""
        data = self._core.one(body or {}, model)
        if data is None:
            raise ApiError(
                200, None, "Exotel answered without the object", f"{what} returned no data"
            )
        return data
