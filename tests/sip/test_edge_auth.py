"""Credentials against a real Kamailio edge over TCP and TLS, as the emulator provisions them.

Every change goes through ``SubscriberStore`` (the emulator's credential sink) while Kamailio
keeps running: what the user sees is whether a SIP client is let in on its next request.
"""

from __future__ import annotations

import threading
import time

import pytest

from pulumi_exotel.edge import KamailioEdge, SubscriberStore
from pulumi_exotel.sip import (
    Method,
    SipSession,
    Transport,
    VerifyResult,
    verify_credential,
    verify_with,
)

pytestmark = pytest.mark.sip

REALM = "acct1.pstn.exotel.com"
TRANSPORTS = pytest.mark.parametrize("transport", ["tcp", "tls"])


def address(edge: KamailioEdge, transport: Transport) -> str:
    return edge.tcp_edge if transport == "tcp" else edge.tls_edge


def verify(
    edge: KamailioEdge, transport: Transport, user: str, password: str, method: Method = "REGISTER"
) -> VerifyResult:
    return verify_credential(
        address(edge, transport), transport, REALM, user, password,
        method=method, ca_file=str(edge.ca_file),
    )  # fmt: skip


def session(edge: KamailioEdge, transport: Transport, user: str, password: str) -> SipSession:
    return SipSession(
        address(edge, transport), transport, REALM, user, password, ca_file=str(edge.ca_file)
    )


@TRANSPORTS
@pytest.mark.parametrize("method", ["REGISTER", "OPTIONS"])
def test_right_password_is_accepted(
    edge: KamailioEdge, store: SubscriberStore, transport: Transport, method: Method
) -> None:
    user = f"ok_{transport}_{method.lower()}"
    store.upsert(user, REALM, "right-Password_1")
    result = verify(edge, transport, user, "right-Password_1", method=method)
    assert (result.outcome, result.status) == ("accepted", 200), result.reason
    # The edge challenged first (401 for REGISTER, 407 otherwise) and took the answer.
    assert result.attempts == 2 and result.algorithm == "MD5"
    assert (result.handshake_ms is not None) == (transport == "tls")


@TRANSPORTS
def test_wrong_password_is_rejected_with_403(
    edge: KamailioEdge, store: SubscriberStore, transport: Transport
) -> None:
    store.upsert("wrong_pw", REALM, "the-real-one")
    result = verify(edge, transport, "wrong_pw", "not-the-real-one")
    assert (result.outcome, result.status) == ("rejected", 403)


@TRANSPORTS
def test_unknown_user_is_rejected(edge: KamailioEdge, transport: Transport) -> None:
    result = verify(edge, transport, "nobody_here", "whatever")
    assert (result.outcome, result.status) == ("rejected", 403)


def test_credential_of_another_realm_does_not_authenticate(
    edge: KamailioEdge, store: SubscriberStore
) -> None:
    store.upsert("elsewhere", "acct2.pstn.exotel.com", "pw-of-acct2")
    assert verify(edge, "tcp", "elsewhere", "pw-of-acct2").outcome == "rejected"
    assert verify_credential(
        edge.tcp_edge, "tcp", "acct2.pstn.exotel.com", "elsewhere", "pw-of-acct2"
    ).accepted


@TRANSPORTS
def test_deleted_credential_is_rejected_on_the_next_request_without_restart(
    edge: KamailioEdge, store: SubscriberStore, transport: Transport
) -> None:
    user = f"deleted_{transport}"
    store.upsert(user, REALM, "soon-gone")
    with session(edge, transport, user, "soon-gone") as sip:
        assert verify_with(sip).accepted
        store.delete(user, REALM)
        after = verify_with(sip)  # same connection, same Kamailio process
    assert (after.outcome, after.status) == ("rejected", 403)
    assert edge.running


@TRANSPORTS
def test_password_change_takes_effect_on_the_next_request(
    edge: KamailioEdge, store: SubscriberStore, transport: Transport
) -> None:
    user = f"changed_{transport}"
    store.upsert(user, REALM, "old-password")
    assert verify(edge, transport, user, "old-password").accepted
    store.upsert(user, REALM, "new-password")
    assert verify(edge, transport, user, "old-password").status == 403
    assert verify(edge, transport, user, "new-password").accepted
    assert store.user_names(REALM).count(user) == 1


def test_rotation_two_user_names_are_valid_at_once_on_one_connection(
    edge: KamailioEdge, store: SubscriberStore
) -> None:
    store.upsert("rot_old", REALM, "old-secret")
    with session(edge, "tls", "rot_old", "old-secret") as sip:
        assert verify_with(sip).accepted
        store.upsert("rot_new", REALM, "new-secret")  # create before delete
        assert verify_with(sip).accepted  # the old one still works
        sip.set_credential("rot_new", "new-secret")
        assert verify_with(sip).accepted
        store.delete("rot_old", REALM)
        assert verify_with(sip).accepted  # consumers already moved: no gap
        sip.set_credential("rot_old", "old-secret")
        assert verify_with(sip).status == 403


def test_registrations_stay_accepted_while_the_store_is_written(
    edge: KamailioEdge, store: SubscriberStore
) -> None:
    # WAL mode: a writer never makes Kamailio's read fail (which would show as a spurious 401).
    store.upsert("steady", REALM, "steady-secret")
    stop = threading.Event()

    def churn() -> None:
        n = 0
        while not stop.is_set():
            store.upsert(f"churn{n % 20}", REALM, f"pw{n}")
            store.delete(f"churn{(n + 10) % 20}", REALM)
            n += 1

    writer = threading.Thread(target=churn)
    writer.start()
    try:
        with session(edge, "tcp", "steady", "steady-secret") as sip:
            results = [verify_with(sip) for _ in range(200)]
    finally:
        stop.set()
        writer.join()
    assert [r.outcome for r in results if not r.accepted] == []


def test_sha256_edge_accepts_and_rejects(
    store: SubscriberStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store.upsert("sha_user", REALM, "sha-secret")
    workdir = tmp_path_factory.mktemp("sha-edge")
    transports: tuple[Transport, ...] = ("tcp", "tls")
    with KamailioEdge(workdir, store.db_path, algorithm="SHA-256") as sha_edge:
        for transport in transports:
            good = verify(sha_edge, transport, "sha_user", "sha-secret")
            assert (good.outcome, good.algorithm) == ("accepted", "SHA-256"), good.reason
            assert verify(sha_edge, transport, "sha_user", "md5-era-guess").status == 403


def test_edge_without_qop_accepts_an_rfc2069_answer(
    store: SubscriberStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store.upsert("legacy", REALM, "legacy-secret")
    with KamailioEdge(
        tmp_path_factory.mktemp("noqop-edge"), store.db_path, qop=False
    ) as plain_edge:
        assert verify(plain_edge, "tcp", "legacy", "legacy-secret").accepted
        assert verify(plain_edge, "tcp", "legacy", "wrong").status == 403


def test_expired_nonce_is_renewed_without_failing_the_request(
    store: SubscriberStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store.upsert("patient", REALM, "patient-secret")
    workdir = tmp_path_factory.mktemp("stale-edge")
    short_edge = KamailioEdge(workdir, store.db_path, nonce_expire=1)
    with short_edge, session(short_edge, "tcp", "patient", "patient-secret") as sip:
        assert verify_with(sip).attempts == 2  # challenged, answered
        assert verify_with(sip).attempts == 1  # cached nonce still fresh
        time.sleep(2.2)
        late = verify_with(sip)
    # The cached nonce expired: the edge answered 401 stale=true and the retry got in.
    assert (late.outcome, late.attempts) == ("accepted", 2)


def test_session_survives_an_edge_restart(
    store: SubscriberStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store.upsert("survivor", REALM, "survivor-secret")
    restartable = KamailioEdge(tmp_path_factory.mktemp("restart-edge"), store.db_path)
    with restartable, session(restartable, "tls", "survivor", "survivor-secret") as sip:
        assert verify_with(sip).accepted
        restartable.stop()
        assert verify_with(sip).outcome == "error"
        restartable.start()  # same ports, same CA
        again = verify_with(sip)
    assert again.accepted and again.handshake_ms is not None


# -- TLS: the edge is verified like Exotel's would be, against a CA and a name ---------------


@pytest.mark.parametrize("server_name", [None, "localhost", "127.0.0.1"])
def test_tls_verifies_against_the_edge_ca(
    edge: KamailioEdge, store: SubscriberStore, server_name: str | None
) -> None:
    store.upsert("tls_user", REALM, "tls-secret")
    result = verify_credential(
        edge.tls_edge, "tls", REALM, "tls_user", "tls-secret",
        ca_file=str(edge.ca_file), server_name=server_name,
    )  # fmt: skip
    assert result.accepted, result.reason


def test_tls_without_the_edge_ca_is_refused_before_any_sip(
    edge: KamailioEdge, store: SubscriberStore
) -> None:
    store.upsert("tls_user", REALM, "tls-secret")
    result = verify_credential(edge.tls_edge, "tls", REALM, "tls_user", "tls-secret")
    assert (result.outcome, result.status) == ("error", None)
    assert "not trusted" in result.reason and "certificate" in result.reason


def test_tls_for_a_name_the_certificate_lacks_is_refused(edge: KamailioEdge) -> None:
    result = verify_credential(
        edge.tls_edge, "tls", REALM, "tls_user", "tls-secret",
        ca_file=str(edge.ca_file), server_name="in.voip.exotel.com",
    )  # fmt: skip
    assert result.outcome == "error" and "in.voip.exotel.com" in result.reason


def test_tls_spoken_to_the_tcp_port_fails_cleanly(edge: KamailioEdge) -> None:
    result = verify_credential(
        edge.tcp_edge,
        "tls",
        REALM,
        "tls_user",
        "tls-secret",
        ca_file=str(edge.ca_file),
        timeout=0.5,
    )
    assert (result.outcome, result.status) == ("error", None)
