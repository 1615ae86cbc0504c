"""A platform helper declared wrongly fails when its module is imported, not when called."""

from __future__ import annotations

import pytest

from pulumi_exotel.voice_ai import smallest
from pulumi_exotel.voice_ai._common import Body, CredentialLike, Number, TrunkLike

pytestmark = pytest.mark.unit

CALL = smallest.PROFILE.calls[0]


def test_a_helper_missing_a_parameter_its_fields_read_is_refused() -> None:
    with pytest.raises(TypeError, match="must have that name and take exactly"):

        @smallest.PROFILE.builds(CALL)
        def import_sip(trunk: TrunkLike, credential: CredentialLike) -> Body:
            """Forgets the phone number, transport and edge."""


def test_a_helper_with_another_name_is_refused() -> None:
    with pytest.raises(TypeError, match="import_sip"):

        @smallest.PROFILE.builds(CALL)
        def import_number(
            trunk: TrunkLike,
            credential: CredentialLike,
            phone_number: Number,
            *,
            transport: str = "tls",
            edge: str | None = None,
        ) -> Body:
            """Right parameters, wrong name."""


def test_a_call_of_another_platform_is_refused() -> None:
    from pulumi_exotel.voice_ai import nlpearl

    with pytest.raises(TypeError):

        @nlpearl.PROFILE.builds(CALL)
        def import_sip(
            trunk: TrunkLike,
            credential: CredentialLike,
            phone_number: Number,
            *,
            transport: str = "tls",
            edge: str | None = None,
        ) -> Body:
            """Smallest's call declared on NLPearl's profile."""
