"""Run Kamailio on loopback as a local stand-in for Exotel's SIP edge.

``KamailioEdge`` renders ``kamailio.cfg`` from the packaged template, makes a throwaway CA and
server certificate, checks the configuration (``kamailio -c``), starts Kamailio in the
foreground under ``subprocess.Popen`` and stops it on exit. It authenticates REGISTER and
OPTIONS against the SQLite ``subscriber`` table (see ``subscribers.py``) with the same digest
exchange Exotel's edge uses. One instance does one algorithm: run two for MD5 and SHA-256.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import weakref
from importlib import resources
from pathlib import Path
from typing import IO, Literal

from pulumi_exotel.edge.certs import EdgeCertificate, generate_edge_certificate
from pulumi_exotel.edge.subscribers import ensure_schema
from pulumi_exotel.sip.message import (
    FrameReader,
    SipError,
    build_request,
    new_branch,
    new_call_id,
    new_tag,
)

__all__ = [
    "DEFAULT_TCP_PORT",
    "INSTALL_HINT",
    "EdgeStartError",
    "KamailioEdge",
    "KamailioNotFound",
    "find_kamailio",
]

#: Exotel's edge listens for SIP over TCP on 5070; tests use free ports instead.
DEFAULT_TCP_PORT = 5070
INSTALL_HINT = (
    "install the Debian packages with `sudo scripts/install-sip-edge.sh` "
    "(apt-get install kamailio kamailio-sqlite-modules kamailio-tls-modules sip-tester stunnel4)"
)
Algorithm = Literal["MD5", "SHA-256"]
_SEARCH_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/bin")


class KamailioNotFound(RuntimeError):
    """Kamailio (or one of the modules the edge needs) is not installed."""


class EdgeStartError(RuntimeError):
    """Kamailio refused the configuration or did not come up; the message has its log tail."""


def which_tool(name: str) -> str | None:
    """``shutil.which`` that also looks in sbin, often missing from a user's PATH."""
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(_SEARCH_DIRS))


def find_kamailio() -> str:
    """Path of the ``kamailio`` binary; raises ``KamailioNotFound`` saying what to install."""
    found = which_tool("kamailio")
    if found is None:
        raise KamailioNotFound(f"kamailio is not installed: {INSTALL_HINT}")
    return found


def free_port(host: str = "127.0.0.1", kind: socket.SocketKind = socket.SOCK_STREAM) -> int:
    """A port nobody uses on ``host`` right now (the caller binds it soon after)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM a process started with ``start_new_session=True``, wait, then end its group.

    Kamailio's main process stops its workers on SIGTERM, but a worker caught mid-start-up can
    outlive it as an orphan still holding the listening sockets.
    """
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class KamailioEdge:
    """Kamailio on ``host`` (loopback only) with a TCP and a TLS listener.

    Ports 0 mean "pick a free one" (tests must; a demo may ask for ``DEFAULT_TCP_PORT``).
    Use as a context manager, or call ``start()`` and ``stop()``.
    """

    def __init__(
        self,
        workdir: str | Path,
        db_path: str | Path,
        *,
        tcp_port: int = 0,
        tls_port: int = 0,
        algorithm: Algorithm = "MD5",
        host: str = "127.0.0.1",
        qop: bool = True,
        nonce_expire: int = 300,
        nonce_count: bool = True,
        start_timeout: float = 10.0,
    ) -> None:
        address = ipaddress.ip_address(host)
        if address.version != 4 or not address.is_loopback:
            raise ValueError(f"the local edge listens on IPv4 loopback only, not {host!r}")
        if algorithm not in ("MD5", "SHA-256"):
            raise ValueError(f"algorithm must be MD5 or SHA-256, got {algorithm!r}")
        if nonce_expire < 1:
            raise ValueError("nonce_expire must be at least 1 second")
        self.workdir = Path(workdir)
        self.db_path = Path(db_path)
        self.host = host
        self.algorithm: Algorithm = algorithm
        self.qop = qop
        self.nonce_expire = nonce_expire
        self.nonce_count = nonce_count
        self.start_timeout = start_timeout
        self._requested_ports = (tcp_port, tls_port)
        self.tcp_port = tcp_port
        self.tls_port = tls_port
        self.cfg_path = self.workdir / "kamailio.cfg"
        self.log_path = self.workdir / "kamailio.log"
        self.certificate = EdgeCertificate.in_directory(self.workdir / "tls")
        self._certificate_made = False
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._finalizer: weakref.finalize[[subprocess.Popen[bytes]], KamailioEdge] | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return (
            f"KamailioEdge(tcp={self.tcp_edge!r}, tls={self.tls_edge!r}, {self.algorithm}, {state})"
        )

    # -- addresses -----------------------------------------------------------------------

    @property
    def tcp_edge(self) -> str:
        return f"{self.host}:{self.tcp_port}"

    @property
    def tls_edge(self) -> str:
        return f"{self.host}:{self.tls_port}"

    @property
    def ca_file(self) -> Path:
        """The CA that signed the edge's TLS certificate (exists once the edge has started)."""
        return self.certificate.ca_file

    @property
    def server_name(self) -> str:
        """A name the certificate is valid for (it also names ``localhost``)."""
        return self.host

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- configuration -------------------------------------------------------------------

    def _secret(self) -> str:
        # A fixed secret per workdir: nonces stay valid across a restart of this edge.
        path = self.workdir / "nonce-secret"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(16))
        return path.read_text().strip()

    def render_config(self) -> str:
        """The Kamailio configuration for the current ports, paths and auth settings."""
        template = resources.files("pulumi_exotel.edge").joinpath("kamailio.cfg").read_text()
        values = {
            "HOST": self.host,
            "TCP_PORT": str(self.tcp_port),
            "TLS_PORT": str(self.tls_port),
            "SECRET": self._secret(),
            "NONCE_EXPIRE": str(self.nonce_expire),
            "ALGORITHM": self.algorithm,
            "QOP": "auth" if self.qop else "",
            "NONCE_COUNT": "1" if self.nonce_count else "0",
            "DB_URL": f"sqlite://{self.db_path.resolve()}",
            "CERT_FILE": str(self.certificate.cert_file),
            "KEY_FILE": str(self.certificate.key_file),
        }
        for name, value in values.items():
            template = template.replace(f"@@{name}@@", value)
        if "@@" in template:
            raise RuntimeError("kamailio.cfg template has a placeholder nobody fills")
        return template

    def _prepare(self, repick: bool) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "run").mkdir(exist_ok=True)
        ensure_schema(self.db_path)
        if not self._certificate_made:
            # A new CA per edge object; restarts of this edge keep it (clients hold its path).
            generate_edge_certificate(self.certificate.ca_file.parent, ip_addresses=(self.host,))
            self._certificate_made = True
        # Ports picked once stay: a restarted edge keeps its address. ``repick`` replaces
        # picked ports another program grabbed before Kamailio could bind them.
        wanted_tcp, wanted_tls = self._requested_ports
        if not wanted_tcp and (repick or not self.tcp_port):
            self.tcp_port = free_port(self.host)
        if not wanted_tls and (repick or not self.tls_port):
            self.tls_port = free_port(self.host)
            while self.tls_port == self.tcp_port:
                self.tls_port = free_port(self.host)
        self.cfg_path.write_text(self.render_config())

    def check_config(self, kamailio: str) -> None:
        """``kamailio -c``: raise ``EdgeStartError`` (or ``KamailioNotFound``) on a bad config."""
        checked = subprocess.run(
            [kamailio, "-c", "-f", str(self.cfg_path)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if checked.returncode != 0:
            output = (checked.stdout + checked.stderr).strip()
            if "could not find module" in output or "cannot open shared object" in output:
                raise KamailioNotFound(f"a Kamailio module is missing: {INSTALL_HINT}\n{output}")
            raise EdgeStartError(f"kamailio -c rejected {self.cfg_path}:\n{output[-2000:]}")

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> KamailioEdge:
        """Start Kamailio and wait until the TCP port accepts connections."""
        if self.running:
            return self
        kamailio = find_kamailio()
        # A port picked free may be taken by someone else before Kamailio binds it.
        tries_left = 3 if 0 in self._requested_ports else 1
        repick = False
        while True:
            tries_left -= 1
            self._prepare(repick)
            self.check_config(kamailio)
            try:
                self._launch(kamailio)
                return self
            except EdgeStartError:
                self.stop()
                if tries_left == 0 or "bind" not in self.log_tail().lower():
                    raise
                repick = True

    def _launch(self, kamailio: str) -> None:
        self._log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            [
                kamailio,
                "-f",
                str(self.cfg_path),
                "-DD",
                "-E",
                "-Y",
                str(self.workdir / "run"),
                "-m",
                "64",
                "-M",
                "8",
            ],  # fmt: skip
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: see stop_process_group
        )
        # Stops Kamailio if the owner forgets, and at interpreter exit.
        self._finalizer = weakref.finalize(self, stop_process_group, self._process)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EdgeStartError(
                    f"kamailio exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            if self._answers_sip():
                return
            time.sleep(0.02)
        raise EdgeStartError(
            f"kamailio did not answer SIP on {self.tcp_edge} within {self.start_timeout:g} s:\n"
            f"{self.log_tail()}"
        )

    def _answers_sip(self) -> bool:
        """True once a SIP answer comes back on the TCP port.

        An accepted connection alone proves nothing: another program may hold the port.
        """
        probe = build_request(
            "OPTIONS",
            f"sip:{self.host}",
            [
                ("Via", f"SIP/2.0/TCP {self.host};branch={new_branch()}"),
                ("Max-Forwards", "70"),
                ("From", f"<sip:probe@{self.host}>;tag={new_tag()}"),
                ("To", f"<sip:{self.host}>"),
                ("Call-ID", new_call_id()),
                ("CSeq", "1 OPTIONS"),
            ],
        )
        try:
            with socket.create_connection((self.host, self.tcp_port), timeout=0.25) as sock:
                sock.sendall(probe)
                return FrameReader(sock.recv).read_frame().start_line.startswith("SIP/2.0 ")
        except (OSError, SipError):
            return False

    def stop(self) -> None:
        """Terminate Kamailio and wait for it (SIGTERM exits in milliseconds)."""
        if self._finalizer is not None:
            self._finalizer()  # runs stop_process_group once
            self._finalizer = None
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of Kamailio's log (for error messages; it never holds passwords)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> KamailioEdge:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
