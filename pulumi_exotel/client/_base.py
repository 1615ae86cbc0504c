"""What every per-concept mixin of ``ExotelClient`` shares: the settings, the HTTP core, and
the request shapes the trunk's children have in common (``/trunks/{sid}/<kind>``: POST one
object, PUT ``…/{id}``, DELETE ``…?id=``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from pulumi_exotel.client.errors import ApiError
from pulumi_exotel.client.http import HttpCore, JsonBody, Params, segment
from pulumi_exotel.client.models import RequestBody
from pulumi_exotel.config import ExotelSettings

__all__ = ["ClientBase", "child_path"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def child_path(trunk_sid: str, kind: str) -> str:
    """``trunks/{sid}/{kind}``, the collection of one kind of the trunk's children."""
    return f"trunks/{segment(trunk_sid)}/{kind}"


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

    def _create_one(
        self,
        path: str,
        body: RequestBody,
        model: type[ModelT],
        what: str,
        lookup: Callable[[], ModelT | None],
    ) -> ModelT:
        """``POST`` one object answered in a single envelope; safe to retry (``HttpCore.create``
        calls ``lookup`` after an attempt whose outcome is unknown). ``what`` names the call in
        the error raised when the answer carries no object."""
        return self._core.create(
            path, body, lambda answer: self._required(answer, model, what), lookup
        )

    def _put(self, path: str, object_id: str, body: RequestBody) -> JsonBody | None:
        """``PUT {path}/{id}``; the caller reads the answer (Exotel documents it per kind)."""
        return self._core.request("PUT", f"{path}/{segment(object_id)}", body=body, idempotent=True)

    def _delete(self, path: str, params: Params) -> None:
        """``DELETE {path}?…``; raises ``NotFound`` for an unknown object, except when an
        earlier attempt whose answer was lost already deleted it."""
        self._core.request(
            "DELETE", path, params=params, idempotent=True, missing_ok_after_loss=True
        )
