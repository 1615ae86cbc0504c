"""A platform helper whose signature disagrees with its call's mapping fails at import.

`PlatformProfile.serves` cross-checks a helper (what users and the docs see) against the fields
of the call it renders (what it returns).
"""

from __future__ import annotations

import pytest

from pulumi_exotel.voice_ai import smallest
from pulumi_exotel.voice_ai.inputs import Body, CredentialLike, Number, TrunkLike

pytestmark = pytest.mark.unit

CALL = smallest.PROFILE.calls[0]


def test_a_helper_missing_a_parameter_its_fields_read_is_refused() -> None:
    with pytest.raises(TypeError, match="must have that name and take exactly"):

        @smallest.PROFILE.serves(CALL)
        def import_sip(trunk: TrunkLike, credential: CredentialLike) -> Body:
            """Forgets the phone number, transport and edge."""
            return smallest.PROFILE.render(CALL, trunk=trunk, credential=credential)


def test_a_helper_with_another_name_is_refused() -> None:
    with pytest.raises(TypeError, match="import_sip"):

        @smallest.PROFILE.serves(CALL)
        def import_number(
            trunk: TrunkLike,
            credential: CredentialLike,
            phone_number: Number,
            *,
            transport: str = "tls",
            edge: str | None = None,
        ) -> Body:
            """Right parameters, wrong name."""
            return smallest.import_sip(trunk, credential, phone_number)


def test_a_call_of_another_platform_is_refused() -> None:
    from pulumi_exotel.voice_ai import nlpearl

    with pytest.raises(TypeError):

        @nlpearl.PROFILE.serves(CALL)
        def import_sip(
            trunk: TrunkLike,
            credential: CredentialLike,
            phone_number: Number,
            *,
            transport: str = "tls",
            edge: str | None = None,
        ) -> Body:
            """Smallest's call declared on NLPearl's profile."""
            return smallest.import_sip(trunk, credential, phone_number)
