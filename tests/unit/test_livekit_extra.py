"""LiveKit resources without a server: the extra named on a failed import, argument rules."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

_WITHOUT_LIVEKIT = """
import sys

class NoLiveKit:
    def find_spec(self, name, path=None, target=None):
        if name == "livekit" or name.startswith("livekit."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoLiveKit())
import pulumi_exotel.voice_ai.livekit  # the body helpers need no SDK
import pulumi_exotel.platforms.livekit
"""


def test_import_without_the_sdk_names_the_extra() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LIVEKIT], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), proc.stderr
    assert "pip install 'pulumi-exotel[livekit]'" in last


@pytest.mark.parametrize(
    ("auth", "refusal"),
    [
        ({"credential": object(), "auth_username": "u"}, "not both"),
        ({"auth_username": "u"}, "both auth_username= and auth_password="),
    ],
    ids=["credential and a field", "one field"],
)
def test_outbound_trunk_takes_a_credential_or_its_two_fields_not_both(
    auth: dict[str, object], refusal: str
) -> None:
    from pulumi_exotel.platforms.livekit import SipOutboundTrunk

    with pytest.raises(TypeError, match=refusal):
        SipOutboundTrunk("t", name="n", trunk=object(), numbers=["+918047091234"], **auth)
