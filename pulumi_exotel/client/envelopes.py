"""The wrappers Exotel puts around every answer (REF, see docs/sources.md), as pydantic models.

Four shapes:

- ``SingleEnvelope``: ``response`` is one item (create trunk, map number, PUT, DELETE, ...).
- ``ListEnvelope``: ``response`` is a list of items plus paging ``metadata`` (which may be
  missing: an empty credentials list was seen without it).
- ``BatchEnvelope``: a batch POST (destination URIs, settings); ``metadata`` counts
  ``total``/``success``/``failed`` (settings omit ``failed``: read as 0) and a failed item
  makes the HTTP status 207.
- ``ErrorEnvelope``: a single envelope whose item failed and carries ``error_data``.

Every item says for itself whether it succeeded (``ResponseItem.ok``): that, not the HTTP
status, decides success, because duplicates come back as HTTP 200 with ``response.code`` 409.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = [
    "BatchEnvelope",
    "BatchMetadata",
    "ErrorData",
    "ErrorEnvelope",
    "ErrorItem",
    "ListEnvelope",
    "ListMetadata",
    "ResponseItem",
    "SingleEnvelope",
]

DataT = TypeVar("DataT")


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class ErrorData(_Envelope):
    """``error_data``: Exotel's error code, short message and free-text description."""

    code: int | None = None
    message: str = ""
    description: str | None = None


class ResponseItem(_Envelope, Generic[DataT]):
    """One element of ``response``: a status, maybe ``error_data``, maybe ``data``."""

    code: int
    status: str
    error_data: ErrorData | None = None
    data: DataT | None = None

    @property
    def ok(self) -> bool:
        return self.status.lower() == "success" and 200 <= self.code < 300


class ErrorItem(_Envelope):
    """The failed ``response`` of an error envelope: ``error_data`` is always present."""

    code: int
    status: str
    error_data: ErrorData
    data: None = None


class ListMetadata(_Envelope):
    """Paging facts. Credentials lists add ``total`` and ``page``."""

    page_size: int | None = None
    first_page_uri: str | None = None
    prev_page_uri: str | None = None
    next_page_uri: str | None = None
    total: int | None = None
    page: int | None = None

    @field_validator("next_page_uri", "prev_page_uri", "first_page_uri", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class BatchMetadata(_Envelope):
    """Counts for a batch POST; ``failed`` is absent in settings samples and means 0."""

    total: int = 0
    success: int = 0
    failed: int = 0


class _Head(_Envelope):
    request_id: str | None = None
    method: str | None = None
    http_code: int | None = None


class SingleEnvelope(_Head, Generic[DataT]):
    response: ResponseItem[DataT]


class ListEnvelope(_Head, Generic[DataT]):
    metadata: ListMetadata | None = None
    response: list[ResponseItem[DataT]]


class BatchEnvelope(_Head, Generic[DataT]):
    metadata: BatchMetadata | None = None
    response: list[ResponseItem[DataT]]


class ErrorEnvelope(_Head):
    response: ErrorItem
