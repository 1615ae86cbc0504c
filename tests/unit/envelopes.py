"""Exotel's response envelopes (REF 1.1) built for tests: one item of an answer (``ok_item``,
``failed_item``), a single-object answer, a refusal and an item-by-item batch answer, all with
one ``request_id``; ``SID`` is the trunk they are about. The client's unit tests feed them to a
fake transport, and the transcribed documentation examples use them where a source shows only
the data."""

from __future__ import annotations

from typing import Any

RID = "9c7d4b1e2f3a4b5c6d7e8f9a0b1c2d3e"
SID = "trmum1f708622631150902801a1n"  # the trunk the answers are about


def ok_item(data: dict[str, Any] | None) -> dict[str, Any]:
    return {"code": 200, "error_data": None, "status": "success", "data": data}


def failed_item(body_code: int, code: int, message: str, description: str) -> dict[str, Any]:
    error = {"code": code, "message": message, "description": description}
    return {"code": body_code, "error_data": error, "status": "failure", "data": None}


def single(data: dict[str, Any] | None, method: str = "POST") -> dict[str, Any]:
    return {"request_id": RID, "method": method, "http_code": 200, "response": ok_item(data)}


def error_body(http_code: int, code: int, message: str, description: str) -> dict[str, Any]:
    """A refusal; its body code is ``http_code``, except 409 for a duplicate (1008), which
    Exotel also sends inside an HTTP 200."""
    return {
        "request_id": RID,
        "method": "POST",
        "http_code": http_code,
        "response": failed_item(409 if code == 1008 else http_code, code, message, description),
    }


def batch(items: list[dict[str, Any]], *, http_code: int = 200) -> dict[str, Any]:
    """A POST answered item by item (destination URIs), with the counts Exotel adds."""
    failed = sum(item["status"] == "failure" for item in items)
    return {
        "request_id": RID,
        "method": "POST",
        "http_code": http_code,
        "metadata": {"total": len(items), "success": len(items) - failed, "failed": failed},
        "response": items,
    }
