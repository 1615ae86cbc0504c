"""sipp, an independent SIP implementation, agrees with our verifier on the local edge.

The lead's engine test does the same with a credential created by ``pulumi up``; it calls
``pulumi_exotel.edge.sipp.sipp_register`` exactly as here.
"""

from __future__ import annotations

import socket

import pytest

from pulumi_exotel.edge import KamailioEdge, SubscriberStore
from pulumi_exotel.edge.sipp import SippError, SippNotFound, find_sipp, find_stunnel, sipp_register
from pulumi_exotel.sip import verify_credential
from tests.tools import missing_tool

pytestmark = pytest.mark.sip

REALM = "acct1.pstn.exotel.com"


@pytest.fixture(scope="module", autouse=True)
def _sipp_installed() -> None:
    """sipp, besides the edge's Kamailio (``store`` in conftest.py asks for that)."""
    try:
        find_sipp()
    except SippNotFound as exc:
        missing_tool(str(exc))


def test_sipp_registers_with_a_stored_credential_and_is_refused_after_delete(
    edge: KamailioEdge, store: SubscriberStore
) -> None:
    store.upsert("sipp_user", REALM, "sipp-Secret_1")
    assert sipp_register(edge.tcp_edge, REALM, "sipp_user", "sipp-Secret_1") == "accepted"
    assert sipp_register(edge.tcp_edge, REALM, "sipp_user", "wrong-secret") == "rejected"
    store.delete("sipp_user", REALM)
    assert sipp_register(edge.tcp_edge, REALM, "sipp_user", "sipp-Secret_1") == "rejected"
    # Our verifier reaches the same verdicts.
    assert (
        verify_credential(edge.tcp_edge, "tcp", REALM, "sipp_user", "sipp-Secret_1").status == 403
    )


def test_sipp_over_verified_tls(edge: KamailioEdge, store: SubscriberStore) -> None:
    try:
        find_stunnel()
    except SippNotFound as exc:
        missing_tool(str(exc))
    store.upsert("sipp_tls", REALM, "sipp-tls-Secret")
    ca = str(edge.ca_file)
    assert (
        sipp_register(
            edge.tls_edge, REALM, "sipp_tls", "sipp-tls-Secret", transport="tls", ca_file=ca
        )
        == "accepted"
    )
    assert (
        sipp_register(edge.tls_edge, REALM, "sipp_tls", "nope", transport="tls", ca_file=ca)
        == "rejected"
    )
    # Without the edge's CA stunnel refuses the certificate: no verdict, an error.
    with pytest.raises(SippError):
        sipp_register(edge.tls_edge, REALM, "sipp_tls", "sipp-tls-Secret", transport="tls")


def test_sha256_edge_is_beyond_sipp_and_says_so(
    store: SubscriberStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # sipp 3.6 computes MD5 digests only: the helper must fail loudly, not report "rejected".
    store.upsert("sipp_sha", REALM, "sipp-sha-Secret")
    with (
        KamailioEdge(tmp_path_factory.mktemp("sha"), store.db_path, algorithm="SHA-256") as sha,
        pytest.raises(SippError, match="MD5"),
    ):
        sipp_register(sha.tcp_edge, REALM, "sipp_sha", "sipp-sha-Secret")


def test_nothing_listening_is_an_error_not_a_rejection(store: SubscriberStore) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = closed.getsockname()[1]
        with pytest.raises(SippError):
            sipp_register(f"127.0.0.1:{port}", REALM, "u", "p", timeout=2)


@pytest.mark.parametrize("password", ["has space", "has]bracket", "tab\there"])
def test_values_sipp_cannot_carry_are_refused(password: str) -> None:
    with pytest.raises(ValueError, match="sipp cannot carry this password"):
        sipp_register("127.0.0.1:5070", REALM, "u", password)
