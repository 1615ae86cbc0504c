"""The error tree: complete, exported, drawn in one docstring, and readable by users."""

from __future__ import annotations

import inspect
import pickle
import re

import pytest

import pulumi_exotel.client as client_pkg
from pulumi_exotel.client import errors
from pulumi_exotel.client.errors import (
    ApiError,
    BatchItemError,
    Duplicate,
    ExotelError,
    InvalidParameter,
    NotFound,
    RateLimited,
    ServerError,
    error_class_for,
    item_error,
)

pytestmark = pytest.mark.unit


def _defined_error_classes() -> set[type[BaseException]]:
    return {
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, BaseException)
        and obj.__module__ == errors.__name__
        and not obj.__name__.endswith("Item")
    }


def test_every_error_class_is_in_the_docstring_tree_and_exported() -> None:
    drawn = set(re.findall(r"[├└]── (\w+)|^    (\w+)", errors.__doc__ or "", re.M))
    drawn_names = {a or b for a, b in drawn}
    defined = _defined_error_classes()

    assert {cls.__name__ for cls in defined} == drawn_names
    for cls in defined:
        assert issubclass(cls, ExotelError)
        assert cls.__name__ in errors.__all__
        assert getattr(client_pkg, cls.__name__) is cls
        assert cls.__doc__, f"{cls.__name__} needs a docstring"


def test_the_docstring_draws_each_class_under_its_real_parent() -> None:
    parent_of: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        match = re.match(r"^( *)(?:[│ ]*[├└]── )?(\w+Error|\w+)\s{2,}", line)
        if not match or not line.startswith("    "):
            continue
        depth = line.index(match.group(2))
        name = match.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parent_of[name] = stack[-1][1]
        stack.append((depth, name))

    for name, parent in parent_of.items():
        assert getattr(errors, parent) in getattr(errors, name).__bases__, (name, parent)
    assert len(parent_of) == len(_defined_error_classes()) - 1  # all but the root


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        (1000, 404, errors.NotFound),
        (1001, 400, errors.MissingParameter),
        (1002, 400, errors.InvalidParameter),
        (1003, 403, errors.Forbidden),
        (1007, 400, errors.InvalidRequestBody),
        (1008, 409, errors.Duplicate),
        (1008, 200, errors.Duplicate),
        (1010, 401, errors.AuthFailed),
        (1011, 415, errors.UnsupportedContentType),
        (None, 401, errors.AuthFailed),
        (None, 404, errors.NotFound),
        (1030, 429, errors.RateLimited),
        (1002, 429, errors.RateLimited),
        (None, 500, errors.ServerError),
        (None, 503, errors.ServerError),
        (9999, 400, errors.ApiError),
    ],
)
def test_error_class_for_code_and_status(
    code: int | None, status: int, expected: type[ApiError]
) -> None:
    assert error_class_for(code, status) is expected


def test_message_names_code_status_description_and_request_id() -> None:
    err = Duplicate(
        200, 1008, "Duplicate resource", "Unable to create trunk with name t1", "ab" * 16
    )

    text = str(err)

    assert text.startswith("Duplicate resource: Unable to create trunk with name t1")
    assert "Exotel code 1008" in text and "HTTP 200" in text and "ab" * 16 in text


def test_batch_item_error_is_also_the_class_of_its_code() -> None:
    err = item_error(
        1002,
        400,
        "Invalid parameter",
        "Destination not whitelisted",
        None,
        http_status=207,
        index=2,
    )

    assert isinstance(err, BatchItemError)
    assert isinstance(err, InvalidParameter)
    assert err.index == 2
    assert str(err).startswith("batch item 2 failed: Invalid parameter")
    again = item_error(1002, 400, "x", None, None, http_status=207, index=0)
    assert type(again) is type(err)


def test_batch_item_error_with_an_unknown_code_is_a_plain_batch_item_error() -> None:
    err = item_error(4242, 400, "odd", None, None, http_status=207, index=0)

    assert type(err) is BatchItemError


@pytest.mark.parametrize(
    "err",
    [
        NotFound(404, 1000, "Not Found", "Not Found", "r1"),
        RateLimited(429, 1030, "slow down", None, None, retry_after=2.5),
        ServerError(500, None, "boom"),
        item_error(1002, 400, "Invalid parameter", "bad", "r2", http_status=207, index=1),
    ],
)
def test_errors_survive_pickling(err: ApiError) -> None:
    copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object

    assert type(copy) is type(err)
    assert str(copy) == str(err)
    assert copy.__dict__ == err.__dict__


def test_a_long_server_description_is_cut_in_the_message() -> None:
    from pulumi_exotel.client.errors import MESSAGE_LIMIT, ApiError

    error = ApiError(400, 1002, "Invalid parameter", "Invalid setting name " + "x" * 10_000_000)
    text = str(error)
    assert len(text) < MESSAGE_LIMIT * 2 + 200
    assert "(10000021 characters)" in text
    assert error.description is not None and len(error.description) > 10_000_000  # kept whole
