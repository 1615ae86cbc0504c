"""What every per-concept mixin of ``ExotelClient`` shares: the settings, the HTTP core, and
the calls a trunk's children have in common.

Every kind of child lives in a collection ``/trunks/{sid}/<kind>`` (``Children``): ``POST`` one
object, ``GET`` the listing, ``PUT …/{id}``, ``DELETE …?id=`` (settings: ``?name=``). The mixins
declare their ``Children`` once and call the ``_…_child`` helpers with it, so a request's shape
and the name it has in error messages (``POST phone-numbers``) are decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from pulumi_exotel.client.errors import ApiError
from pulumi_exotel.client.http import PAGE_SIZE, HttpCore, JsonBody, Params, segment
from pulumi_exotel.client.models import RequestBody
from pulumi_exotel.config import ExotelSettings

__all__ = ["Children", "ClientBase"]

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Children(Generic[ModelT]):
    """One kind of a trunk's children: the collection ``trunks/{sid}/{kind}`` of ``model``s."""

    kind: str
    model: type[ModelT]

    def path(self, trunk_sid: str) -> str:
        return f"trunks/{segment(trunk_sid)}/{self.kind}"


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

    # --- a trunk's children -------------------------------------------------------------------

    def _create_child(
        self,
        children: Children[ModelT],
        trunk_sid: str,
        body: RequestBody,
        lookup: Callable[[], ModelT | None],
    ) -> ModelT:
        """``POST trunks/{sid}/{kind}`` of one object (``lookup`` finds it by natural key)."""
        path = children.path(trunk_sid)
        return self._create_one(path, body, children.model, f"POST {children.kind}", lookup)

    def _list_children(
        self,
        children: Children[ModelT],
        trunk_sid: str,
        params: Params | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_age: float = 0.0,
    ) -> list[ModelT]:
        """Every page of ``trunks/{sid}/{kind}``; ``max_age`` > 0 shares a recent listing
        (``listings``)."""
        path = children.path(trunk_sid)
        return self._core.list_all(
            path, children.model, params, page_size=page_size, max_age=max_age
        )

    def _update_child(
        self,
        children: Children[ModelT],
        trunk_sid: str,
        object_id: str,
        body: RequestBody,
        *,
        read_back: Callable[[], ModelT] | None = None,
    ) -> ModelT:
        """``PUT trunks/{sid}/{kind}/{id}``: the object in the answer, else ``read_back()``
        where the kind's answer is undocumented, else an error naming the call."""
        answer = self._put(children.path(trunk_sid), object_id, body)
        if read_back is None:
            return self._required(answer, children.model, f"PUT {children.kind}")
        return self._core.one(answer or {}, children.model) or read_back()

    def _delete_child(
        self, children: Children[Any], trunk_sid: str, object_id: str, *, key: str = "id"
    ) -> None:
        """``DELETE trunks/{sid}/{kind}?{key}=``; raises ``NotFound`` for an unknown one."""
        self._delete(children.path(trunk_sid), {key: object_id})
