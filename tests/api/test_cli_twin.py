"""`pulumi-exotel twin <platform>` serves a twin the vendor's SDK can use, and stops on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.api


def test_retell_twin_command_serves_the_sdk_and_stops_on_sigterm() -> None:
    retell = pytest.importorskip("retell")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi_exotel.cli", "twin", "retell", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("retell twin on http://127.0.0.1:"), first
        base_url = first.split(" on ", 1)[1].strip()
        assert "pulumi config set retell:baseUrl" in proc.stdout.readline()
        client = retell.Retell(api_key="cli-key", base_url=base_url, max_retries=0)
        client.phone_number.import_(phone_number="+918047091234", termination_uri="e.example:443")
        assert [n.phone_number for n in client.phone_number.list().items] == ["+918047091234"]
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
    assert code == 0, proc.stderr.read() if proc.stderr else ""


def test_unknown_platform_is_refused_with_the_choices() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pulumi_exotel.cli", "twin", "bolna", "--api-key", "k"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "'elevenlabs'" in proc.stderr and "'retell'" in proc.stderr


def test_vapi_twin_command_serves_the_sdk_and_stops_on_sigterm() -> None:
    vapi = pytest.importorskip("vapi")
    from vapi.types.create_byo_phone_number_dto import CreateByoPhoneNumberDto

    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi_exotel.cli", "twin", "vapi", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("vapi twin on http://127.0.0.1:"), first
        base_url = first.split(" on ", 1)[1].strip()
        assert "pulumi config set vapi:baseUrl" in proc.stdout.readline()
        client = vapi.Vapi(token="cli-key", base_url=base_url)
        assert client.phone_numbers.list() == []
        with pytest.raises(vapi.core.api_error.ApiError) as err:  # no such credential
            client.phone_numbers.create(
                request=CreateByoPhoneNumberDto(number="+918047091234", credential_id="none")
            )
        assert err.value.status_code == 400
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
    assert code == 0, proc.stderr.read() if proc.stderr else ""
