"""Against the real Retell and ElevenLabs APIs, read only: the shapes the twins answer in are the
shapes the platforms answer in. Opt-in: RETELL_LIVE=1 with RETELL_API_KEY, ELEVENLABS_LIVE=1
with ELEVENLABS_API_KEY. Nothing is created or changed; never runs in CI (no network here).

Each real answer must satisfy the SDK's response type (required fields present, declared fields
of the declared types); fields the SDK does not declare are allowed here (the platform may be
newer than the SDK) and printed, so a twin can follow.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest

from pulumi_exotel.twins._server import shape_problems

pytestmark = pytest.mark.live


def _typed_problems(sdk_type: Any, value: Any) -> list[str]:
    problems = shape_problems(sdk_type, value)
    extra = [p for p in problems if "is not a field of" in p]
    if extra:
        print("fields the SDK does not declare:", extra)
    return [p for p in problems if p not in extra]


def live_only(platform: str) -> pytest.MarkDecorator:
    """Skipped unless ``<PLATFORM>_LIVE=1`` and ``<PLATFORM>_API_KEY`` are set."""
    return pytest.mark.skipif(
        os.environ.get(f"{platform}_LIVE") != "1" or not os.environ.get(f"{platform}_API_KEY"),
        reason=f"set {platform}_LIVE=1 and {platform}_API_KEY to run",
    )


def live_get(url: str, headers: dict[str, str], params: dict[str, Any] | None = None) -> Any:
    """The decoded JSON of a GET to the real platform (an HTTP error fails the test)."""
    answer = httpx.get(url, params=params, headers=headers, timeout=30)
    answer.raise_for_status()
    return answer.json()


@live_only("RETELL")
def test_retell_phone_numbers_have_the_shape_the_twin_answers_in() -> None:
    from retell.types.phone_number_list_response import PhoneNumberListResponse

    base = os.environ.get("RETELL_BASE_URL", "https://api.retellai.com")
    headers = {"Authorization": f"Bearer {os.environ['RETELL_API_KEY']}"}
    answer = live_get(f"{base}/v2/list-phone-numbers", headers, params={"limit": 50})
    assert _typed_problems(PhoneNumberListResponse, answer) == []


@live_only("ELEVENLABS")
def test_elevenlabs_phone_numbers_have_the_shape_the_twin_answers_in() -> None:
    from elevenlabs.conversational_ai.phone_numbers.types import PhoneNumbersListResponseItem

    base = os.environ.get("ELEVENLABS_BASE_URL", "https://api.elevenlabs.io")
    headers = {"xi-api-key": os.environ["ELEVENLABS_API_KEY"]}
    for item in live_get(f"{base}/v1/convai/phone-numbers", headers):
        assert _typed_problems(PhoneNumbersListResponseItem, item) == [], item.get("provider")
