"""The wire format of the emulated API: request bodies decoded the way Exotel's Go backend
decodes them, and the three response envelopes of REF.

Request bodies: Exotel reports JSON it cannot decode as 1007 with the message "Invalid
request body,failed parsing " and the Go parser's text as the description, e.g.
``unexpected EOF`` or ``json: cannot unmarshal number -1 into Go struct field
CreateWhitelistipsRequest.mask of type uint8`` (T2025). ``decode_body`` reproduces that: each
request has a ``GoStruct`` naming its fields and their Go types; unknown keys are ignored and
``null`` means "absent", as in Go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from starlette.requests import Request

from pulumi_exotel.emulator.errors import ExotelFault
from pulumi_exotel.emulator.ids import new_request_id

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_NUMBER_DIGITS",
    "GoField",
    "GoStruct",
    "batch_envelope",
    "decode_body",
    "error_envelope",
    "list_envelope",
    "page_metadata",
    "parse_failure",
    "read_body",
    "single_envelope",
]

GoKind = Literal["string", "uint8", "uint16", "array"]
_UINT_MAX = {"uint8": 255, "uint16": 65535}
#: The 1007 message, trailing space and missing space included (T2025).
PARSE_MESSAGE = "Invalid request body,failed parsing "
#: Largest request body the emulator reads (Exotel documents none; its bodies are a few
#: hundred bytes, a batch of 100 destinations about 5 KB). Longer: 413 with code 1007.
MAX_BODY_BYTES = 64 * 1024
#: Longest integer literal accepted in a body (a Go uint64 has 20 digits). Longer: 400 / 1007.
MAX_NUMBER_DIGITS = 20


@dataclass(frozen=True)
class GoField:
    name: str
    kind: GoKind
    item: GoStruct | None = None  # the element struct of an ``array`` field


@dataclass(frozen=True)
class GoStruct:
    name: str
    fields: tuple[GoField, ...]

    @property
    def go_type(self) -> str:
        return f"main.{self.name}"


def parse_failure(parser_text: str) -> ExotelFault:
    return ExotelFault(400, 1007, PARSE_MESSAGE, parser_text)


def decode_body(raw: bytes, struct: GoStruct) -> dict[str, Any]:
    """The body as a dict of known fields (absent and null fields are left out).

    Arrays of structs decode to lists of such dicts. Raises the 1007 ``ExotelFault``.
    """
    text = raw.decode("utf-8", errors="replace")
    try:
        document = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        if not text.strip() or exc.pos >= len(text.rstrip()):
            raise parse_failure("unexpected EOF") from None
        raise parse_failure(f"invalid character {text[exc.pos]!r} at offset {exc.pos}") from None
    except _BadConstant as exc:
        raise parse_failure(
            f"invalid character {str(exc)[0]!r} looking for beginning of value"
        ) from None
    except RecursionError:
        raise parse_failure("exceeded max depth") from None
    if not isinstance(document, dict):
        raise parse_failure(
            f"json: cannot unmarshal {_json_type(document)} into Go value of type {struct.go_type}"
        )
    return _decode_struct(document, struct, struct.name)


class _BadConstant(ValueError):
    pass


class _HugeInt:
    """An integer literal longer than any Go integer, kept unconverted.

    Python refuses to convert over 4,300 digits with a ValueError that would become a 500. Like
    Go, a field the struct does not have is skipped whatever it holds; a field it has refuses
    the number with a 400 (1007).
    """

    def __init__(self, literal: str) -> None:
        self.excerpt = f"{literal[:12]}..."

    def refused(self) -> ExotelFault:
        return parse_failure(
            f"json: cannot unmarshal number {self.excerpt} into a Go value: more than "
            f"{MAX_NUMBER_DIGITS} digits"
        )


def _parse_int(literal: str) -> int | _HugeInt:
    if len(literal.lstrip("-")) > MAX_NUMBER_DIGITS:
        return _HugeInt(literal)
    return int(literal)


async def read_body(request: Request) -> bytes:
    """The request body, at most ``MAX_BODY_BYTES``; a longer one is refused with 413 (1007)
    before it is read whole, whether or not it declares a Content-Length."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise body_too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise body_too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def body_too_large() -> ExotelFault:
    return ExotelFault(413, 1007, PARSE_MESSAGE, f"request body larger than {MAX_BODY_BYTES} bytes")


def _reject_constant(name: str) -> Any:
    raise _BadConstant(name)  # NaN and Infinity are not JSON; Go refuses them


def _decode_struct(document: dict[str, Any], struct: GoStruct, path: str) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for field in struct.fields:
        value = document.get(field.name)
        if value is None:
            continue
        decoded[field.name] = _decode_field(value, field, f"{path}.{field.name}")
    return decoded


def _decode_field(value: Any, field: GoField, path: str) -> Any:
    if isinstance(value, _HugeInt):
        raise value.refused()
    if field.kind == "string":
        if isinstance(value, str):
            return value
        raise _type_error(_json_type(value), path, "string")
    if field.kind == "array":
        assert field.item is not None  # a GoStruct definition error, never bad input
        go_type = f"[]{field.item.go_type}"
        if not isinstance(value, list):
            raise _type_error(_json_type(value), path, go_type)
        items: list[dict[str, Any]] = []
        for element in value:
            if isinstance(element, _HugeInt):
                raise element.refused()
            if element is None:
                items.append({})
            elif isinstance(element, dict):
                items.append(_decode_struct(element, field.item, path))
            else:
                raise _type_error(_json_type(element), path, field.item.go_type)
        return items
    limit = _UINT_MAX[field.kind]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error(_json_type(value), path, field.kind)
    if isinstance(value, float) or not 0 <= value <= limit:
        raise _type_error(f"number {json.dumps(value)}", path, field.kind)
    return value


def _type_error(json_value: str, path: str, go_type: str) -> ExotelFault:
    return parse_failure(
        f"json: cannot unmarshal {json_value} into Go struct field {path} of type {go_type}"
    )


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# -- envelopes ----------------------------------------------------------------------------


def _item(data: dict[str, Any]) -> dict[str, Any]:
    return {"code": 200, "error_data": None, "status": "success", "data": data}


def _failed_item(fault: ExotelFault) -> dict[str, Any]:
    return {
        "code": fault.body_code,
        "error_data": fault.error_data(),
        "status": "failure",
        "data": None,
    }


def single_envelope(method: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "request_id": new_request_id(),
        "method": method,
        "http_code": 200,
        "response": _item(data),
    }


def error_envelope(method: str, fault: ExotelFault) -> dict[str, Any]:
    return {
        "request_id": new_request_id(),
        "method": method,
        "http_code": fault.http_status,
        "response": _failed_item(fault),
    }


def list_envelope(
    method: str, items: list[dict[str, Any]], metadata: dict[str, Any]
) -> dict[str, Any]:
    return {
        "request_id": new_request_id(),
        "method": method,
        "http_code": 200,
        "metadata": metadata,
        "response": [_item(data) for data in items],
    }


def batch_envelope(
    method: str, results: list[dict[str, Any] | ExotelFault]
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 207 as soon as one item failed; failed items carry code 400."""
    failed = sum(isinstance(result, ExotelFault) for result in results)
    status = 207 if failed else 200
    body = {
        "request_id": new_request_id(),
        "method": method,
        "http_code": status,
        "metadata": {"total": len(results), "success": len(results) - failed, "failed": failed},
        "response": [
            _failed_item(result) if isinstance(result, ExotelFault) else _item(result)
            for result in results
        ],
    }
    return status, body


def page_metadata(
    path: str,
    *,
    offset: int,
    page_size: int,
    total: int,
    filters: dict[str, str] | None = None,
    credentials_style: bool = False,
) -> dict[str, Any]:
    """``metadata`` of a list envelope; credentials lists add ``total`` and a 1-based ``page``
    and put ``page_size`` before ``offset`` in their URIs (SNIP, CREDDOC)."""

    def uri(at: int) -> str:
        pairs = [("offset", str(at)), ("page_size", str(page_size))]
        if credentials_style:
            pairs.reverse()
        return f"{path}?{urlencode([*pairs, *(filters or {}).items()])}"

    metadata: dict[str, Any] = {}
    if credentials_style:
        metadata.update(total=total, page_size=page_size, page=offset // page_size + 1)
    else:
        metadata["page_size"] = page_size
    metadata["first_page_uri"] = uri(0)
    metadata["prev_page_uri"] = uri(max(0, offset - page_size)) if offset > 0 else None
    metadata["next_page_uri"] = uri(offset + page_size) if offset + page_size < total else None
    return metadata
