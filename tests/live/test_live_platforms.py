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


@pytest.mark.skipif(
    os.environ.get("RETELL_LIVE") != "1" or not os.environ.get("RETELL_API_KEY"),
    reason="set RETELL_LIVE=1 and RETELL_API_KEY to run",
)
def test_retell_phone_numbers_have_the_shape_the_twin_answers_in() -> None:
    from retell.types.phone_number_list_response import PhoneNumberListResponse

    base = os.environ.get("RETELL_BASE_URL", "https://api.retellai.com")
    answer = httpx.get(
        f"{base}/v2/list-phone-numbers",
        params={"limit": 50},
        headers={"Authorization": f"Bearer {os.environ['RETELL_API_KEY']}"},
        timeout=30,
    )
    answer.raise_for_status()
    assert _typed_problems(PhoneNumberListResponse, answer.json()) == []


@pytest.mark.skipif(
    os.environ.get("ELEVENLABS_LIVE") != "1" or not os.environ.get("ELEVENLABS_API_KEY"),
    reason="set ELEVENLABS_LIVE=1 and ELEVENLABS_API_KEY to run",
)
def test_elevenlabs_phone_numbers_have_the_shape_the_twin_answers_in() -> None:
    from elevenlabs.conversational_ai.phone_numbers.types import PhoneNumbersListResponseItem

    base = os.environ.get("ELEVENLABS_BASE_URL", "https://api.elevenlabs.io")
    answer = httpx.get(
        f"{base}/v1/convai/phone-numbers",
        headers={"xi-api-key": os.environ["ELEVENLABS_API_KEY"]},
        timeout=30,
    )
    answer.raise_for_status()
    for item in answer.json():
        assert _typed_problems(PhoneNumbersListResponseItem, item) == [], item.get("provider")
