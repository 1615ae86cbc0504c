"""Starting and stopping the local Kamailio edge, and the certificate it presents."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from pathlib import Path

import pytest
from cryptography import x509

from pulumi_exotel.edge import (
    EdgeStartError,
    KamailioEdge,
    KamailioNotFound,
    SubscriberStore,
    find_kamailio,
    generate_edge_certificate,
)
from pulumi_exotel.sip import verify_credential
from tests.tools import require_kamailio

pytestmark = pytest.mark.sip


@pytest.fixture
def kamailio() -> str:
    return require_kamailio()


def test_missing_kamailio_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(KamailioNotFound, match="apt-get install kamailio kamailio-sqlite-modules"):
        find_kamailio()


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "::1", "192.168.0.1"])
def test_edge_refuses_to_listen_beyond_ipv4_loopback(tmp_path: Path, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        KamailioEdge(tmp_path, tmp_path / "s.sqlite", host=host)


def test_stop_ends_kamailio_and_frees_its_ports(kamailio: str, tmp_path: Path) -> None:
    edge = KamailioEdge(tmp_path / "edge", tmp_path / "s.sqlite")
    with edge:
        assert edge.running
        config = edge.cfg_path.read_text()
        ports = (edge.tcp_port, edge.tls_port)
    assert not edge.running
    # The rendered configuration listens on loopback only, TCP and TLS, nothing else.
    listens = [line for line in config.splitlines() if line.startswith("listen=")]
    assert listens == [f"listen=tcp:127.0.0.1:{ports[0]}", f"listen=tls:127.0.0.1:{ports[1]}"]
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_busy_port_is_reported_with_kamailio_own_words(kamailio: str, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as squatter:
        port = squatter.getsockname()[1]
        edge = KamailioEdge(tmp_path / "edge", tmp_path / "s.sqlite", tcp_port=port)
        with pytest.raises(EdgeStartError, match="Address already in use"):
            edge.start()
    assert not edge.running


def test_schema_is_created_for_kamailio_if_nobody_did(kamailio: str, tmp_path: Path) -> None:
    with KamailioEdge(tmp_path / "edge", tmp_path / "fresh.sqlite"):
        pass
    with SubscriberStore(tmp_path / "fresh.sqlite") as store:
        assert store.user_names("any.pstn.exotel.com") == []


def test_a_new_edge_in_the_same_workdir_gets_a_new_ca_that_clients_pick_up(
    kamailio: str, tmp_path: Path
) -> None:
    with SubscriberStore(tmp_path / "s.sqlite") as store:
        store.upsert("u", "r.pstn.exotel.com", "pw")
    cas = []
    for _ in range(2):
        with KamailioEdge(tmp_path / "edge", tmp_path / "s.sqlite") as edge:
            cas.append(edge.ca_file.read_bytes())
            result = verify_credential(
                edge.tls_edge, "tls", "r.pstn.exotel.com", "u", "pw", ca_file=str(edge.ca_file)
            )
            assert result.accepted, result.reason
    assert cas[0] != cas[1]


def test_certificate_names_loopback_and_localhost_and_chains_to_the_ca(tmp_path: Path) -> None:
    paths = generate_edge_certificate(tmp_path)
    cert = x509.load_pem_x509_certificate(paths.cert_file.read_bytes())
    ca = x509.load_pem_x509_certificate(paths.ca_file.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    cert.verify_directly_issued_by(ca)
    assert os.stat(paths.key_file).st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob("*ca*key*"))  # the CA key is thrown away
