"""A platform helper whose signature disagrees with its call's mapping fails at import.

`PlatformProfile.serves` cross-checks a helper (what users and the docs see) against the fields
of the call it renders (what it returns).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_exotel.voice_ai import smallest
from pulumi_exotel.voice_ai.inputs import Body, CredentialLike, TrunkLike

pytestmark = pytest.mark.unit

CALL = smallest.PROFILE.calls[0]


def test_a_helper_missing_a_parameter_its_fields_read_is_refused() -> None:
    with pytest.raises(TypeError, match="must have that name and take exactly"):

        @smallest.PROFILE.serves(CALL)
        def import_sip(trunk: TrunkLike, credential: CredentialLike) -> Body:
            """Forgets the phone number, transport and edge."""
            return smallest.PROFILE.render(CALL, trunk=trunk, credential=credential)


def helper_named(name: str) -> Callable[..., Body]:
    """A helper with the parameters of Smallest's `import_sip`, under the name ``name``."""

    # wraps copies the signature `serves` inspects; the name is then the one under test.
    @functools.wraps(smallest.import_sip)
    def helper(*args: Any, **kwargs: Any) -> Body:
        return smallest.import_sip(*args, **kwargs)

    helper.__name__ = name
    return helper


def test_a_helper_that_takes_what_its_fields_read_is_returned_unchanged() -> None:
    helper = helper_named("import_sip")
    assert smallest.PROFILE.serves(CALL)(helper) is helper


def test_a_helper_with_another_name_is_refused() -> None:
    with pytest.raises(TypeError, match="import_sip"):
        smallest.PROFILE.serves(CALL)(helper_named("import_number"))


def test_a_call_of_another_platform_is_refused() -> None:
    from pulumi_exotel.voice_ai import nlpearl

    with pytest.raises(TypeError):
        nlpearl.PROFILE.serves(CALL)(helper_named("import_sip"))
