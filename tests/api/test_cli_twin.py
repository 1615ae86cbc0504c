"""`pulumi-exotel twin <platform>` serves a twin the vendor's SDK can use, and stops on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.tools import run_cli

pytestmark = pytest.mark.api


@contextmanager
def twin_command(platform: str) -> Iterator[str]:
    """`pulumi-exotel twin <platform> --api-key cli-key` running: its base URL, from the line it
    prints first (the next one must say which config key to set). Leaving sends SIGTERM, which
    must stop it with exit code 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi_exotel.cli", "twin", platform, "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith(f"{platform} twin on http://127.0.0.1:"), first
        base_url = first.split(" on ", 1)[1].strip()
        assert f"pulumi config set {platform}:baseUrl" in proc.stdout.readline()
        yield base_url
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
    assert code == 0, proc.stderr.read() if proc.stderr else ""


def test_retell_twin_command_serves_the_sdk_and_stops_on_sigterm() -> None:
    retell = pytest.importorskip("retell")
    with twin_command("retell") as base_url:
        client = retell.Retell(api_key="cli-key", base_url=base_url, max_retries=0)
        client.phone_number.import_(phone_number="+918047091234", termination_uri="e.example:443")
        assert [n.phone_number for n in client.phone_number.list().items] == ["+918047091234"]


def test_unknown_platform_is_refused_with_the_choices() -> None:
    proc = run_cli("twin", "bolna", "--api-key", "k", timeout=60)
    assert proc.returncode == 2
    assert "'elevenlabs'" in proc.stderr and "'retell'" in proc.stderr


def test_vapi_twin_command_serves_the_sdk_and_stops_on_sigterm() -> None:
    vapi = pytest.importorskip("vapi")
    from vapi.types.create_byo_phone_number_dto import CreateByoPhoneNumberDto

    with twin_command("vapi") as base_url:
        client = vapi.Vapi(token="cli-key", base_url=base_url)
        assert client.phone_numbers.list() == []
        with pytest.raises(vapi.core.api_error.ApiError) as err:  # no such credential
            client.phone_numbers.create(
                request=CreateByoPhoneNumberDto(number="+918047091234", credential_id="none")
            )
        assert err.value.status_code == 400
