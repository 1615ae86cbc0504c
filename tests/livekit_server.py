"""A real livekit-server (with its Redis) on loopback for the LiveKit tests, and its fixtures.

``LiveKitServer`` starts ``redis-server`` and ``livekit-server --dev`` on free loopback ports
and stops both on exit. LiveKit's SIP trunk and dispatch-rule API needs Redis (without it every
call answers "sip not connected (redis required)"); it does not need the separate SIP service.

Every listener is on 127.0.0.1 and on a free port, so parallel runs never collide: the HTTP API
(``port``), WebRTC's UDP mux (``rtc.udp_port``, restricted to the loopback interface), and no
ICE/TCP listener at all (``rtc.tcp_port: 0``; it would listen on every interface).

The API key/secret pair is ours, not dev mode's ``devkey``/``secret``: tests use the secret as
a canary that must never reach Pulumi state or output.

``CountingProxy`` sits between the provider and the server and counts the Twirp calls
(``POST /twirp/livekit.SIP/<Method>``) it forwards, so a test can assert that a no-change
preview made zero LiveKit requests. It can also drop the answer of the next call of a method
after the server applied it ("apply, then lose the response"), for the half-failed-create test.

Fixtures (import them into a ``conftest.py``): ``livekit_server`` (session), ``livekit``
(function: the same server with no SIP objects left, behind a fresh ``CountingProxy``).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from livekit.api import LiveKitAPI
from livekit.protocol import sip

from pulumi_exotel.edge.kamailio import free_port, stop_process_group
from tests.tools import missing_tool

LIVEKIT_VERSION = "1.13.5"
INSTALL_HINT = (
    "livekit-server is not installed: run `bash scripts/setup-livekit.sh` (make test does; it "
    f"builds v{LIVEKIT_VERSION} from the Go module proxy into ~/.cache/pulumi-exotel/)"
)


def find_livekit_server() -> str | None:
    """``livekit-server`` on PATH, else the binary scripts/setup-livekit.sh caches."""
    on_path = shutil.which("livekit-server")
    if on_path:
        return on_path
    cache = os.environ.get("PULUMI_EXOTEL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pulumi-exotel"
    )
    cached = Path(cache) / f"livekit-server-v{LIVEKIT_VERSION}" / "livekit-server"
    return str(cached) if os.access(cached, os.X_OK) else None


def require_livekit_server() -> str:
    """The binary's path, or the missing-tool outcome (a failure under make test)."""
    found = find_livekit_server()
    if found is None:
        missing_tool(INSTALL_HINT)
    redis = shutil.which("redis-server")
    if redis is None:
        missing_tool("redis-server is not installed: run `bash scripts/install-sip-edge.sh`")
    return found


class ServerStartError(RuntimeError):
    """Redis or livekit-server did not come up; the message has the log tail."""


@dataclass
class LiveKitServer:
    """redis-server and livekit-server on loopback; use as a context manager."""

    binary: str
    workdir: Path
    api_key: str = "pulumi-exotel-test"
    api_secret: str = field(default_factory=lambda: f"lk-canary-{secrets.token_hex(20)}")
    start_timeout: float = 20.0
    port: int = 0
    redis_port: int = 0
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveKitServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_redis()
            self._start_livekit()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        for process in reversed(self._processes):
            stop_process_group(process)
        self._processes.clear()

    def _spawn(self, argv: list[str], log_name: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / log_name).open("wb")
        process = subprocess.Popen(
            argv,
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self._processes.append(process)
        return process

    def _start_redis(self) -> None:
        self.redis_port = free_port()
        argv = [
            "redis-server",
            "--port", str(self.redis_port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.workdir),
        ]  # fmt: skip
        process = self._spawn(argv, "redis.log")
        self._wait(process, "redis.log", self._redis_ready)

    def _redis_ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _start_livekit(self) -> None:
        self.port = free_port()
        config = {
            "port": self.port,
            "bind_addresses": ["127.0.0.1"],
            "rtc": {
                "tcp_port": 0,
                "udp_port": free_port(kind=socket.SOCK_DGRAM),
                "node_ip": "127.0.0.1",
                "enable_loopback_candidate": True,
                "interfaces": {"includes": ["lo"]},
                "ips": {"includes": ["127.0.0.1/32"]},
            },
            "redis": {"address": f"127.0.0.1:{self.redis_port}"},
            "keys": {self.api_key: self.api_secret},
            "logging": {"level": "info"},
        }
        config_path = self.workdir / "livekit.yaml"
        config_path.write_text(yaml.safe_dump(config))
        config_path.chmod(0o600)
        process = self._spawn([self.binary, "--dev", "--config", str(config_path)], "livekit.log")
        self._wait(process, "livekit.log", self._livekit_ready)

    def _livekit_ready(self) -> bool:
        try:
            return httpx.get(self.url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def _wait(
        self, process: subprocess.Popen[bytes], log_name: str, ready: Callable[[], bool]
    ) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if ready():
                return
            time.sleep(0.1)
        tail = (self.workdir / log_name).read_text(errors="replace")[-3000:]
        raise ServerStartError(f"{log_name.split('.')[0]} did not come up:\n{tail}")

    def clear(self) -> None:
        """Delete every SIP trunk and dispatch rule (between tests sharing one server)."""
        asyncio.run(_clear(self.url, self.api_key, self.api_secret))


async def _clear(url: str, key: str, secret: str) -> None:
    async with LiveKitAPI(url, key, secret) as lk:
        rules = await lk.sip.list_dispatch_rule(sip.ListSIPDispatchRuleRequest())
        for rule in rules.items:
            await lk.sip.delete_dispatch_rule(
                sip.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=rule.sip_dispatch_rule_id)
            )
        outbound = await lk.sip.list_outbound_trunk(sip.ListSIPOutboundTrunkRequest())
        inbound = await lk.sip.list_inbound_trunk(sip.ListSIPInboundTrunkRequest())
        for trunk in [*outbound.items, *inbound.items]:
            await lk.sip.delete_trunk(sip.DeleteSIPTrunkRequest(sip_trunk_id=trunk.sip_trunk_id))


# --- counting proxy ---------------------------------------------------------------------------


class CountingProxy:
    """A loopback HTTP proxy in front of livekit-server that counts the calls it forwards.

    ``calls`` counts by Twirp method name (``CreateSIPOutboundTrunk``...). ``lose_response_of``
    makes the next call of that method reach the server, then answers 502 instead of its reply;
    ``fail_next`` answers 502 without forwarding it.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.calls: Counter[str] = Counter()
        self._lose: set[str] = set()
        self._fail: set[str] = set()
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=30)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                method = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")
                }
                with proxy._lock:
                    proxy.calls[method] += 1
                    lose = method in proxy._lose
                    fail = method in proxy._fail
                    proxy._lose.discard(method)
                    proxy._fail.discard(method)
                if fail:
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                answer = proxy._client.post(
                    proxy.upstream + self.path, content=body, headers=headers
                )
                if lose:
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(answer.status_code)
                for key in ("Content-Type",):
                    if key in answer.headers:
                        self.send_header(key, answer.headers[key])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def total(self) -> int:
        with self._lock:
            return sum(self.calls.values())

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()

    def lose_response_of(self, method: str) -> None:
        with self._lock:
            self._lose.add(method)

    def fail_next(self, method: str) -> None:
        with self._lock:
            self._fail.add(method)

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()


@dataclass
class LiveKit:
    """What a test gets: the server, the proxy the provider talks to, and its config."""

    server: LiveKitServer
    proxy: CountingProxy

    @property
    def config(self) -> dict[str, str]:
        """Pulumi stack config for the provider (through the proxy)."""
        return {
            "livekit:url": self.proxy.url,
            "livekit:apiKey": self.server.api_key,
            "livekit:apiSecret": self.server.api_secret,
        }

    def api(self) -> _Api:
        return _Api(self.server)


@dataclass
class _Api:
    """Direct SDK reads and out-of-band writes against the server (not through the proxy)."""

    server: LiveKitServer

    def _run(self, method: str, request: object) -> Any:
        async def call() -> Any:
            s = self.server
            async with LiveKitAPI(s.url, s.api_key, s.api_secret) as lk:
                return await getattr(lk.sip, method)(request)

        return asyncio.run(call())

    def outbound_trunks(self) -> list[sip.SIPOutboundTrunkInfo]:
        return list(self._run("list_outbound_trunk", sip.ListSIPOutboundTrunkRequest()).items)

    def inbound_trunks(self) -> list[sip.SIPInboundTrunkInfo]:
        return list(self._run("list_inbound_trunk", sip.ListSIPInboundTrunkRequest()).items)

    def dispatch_rules(self) -> list[sip.SIPDispatchRuleInfo]:
        return list(self._run("list_dispatch_rule", sip.ListSIPDispatchRuleRequest()).items)

    def delete_trunk(self, trunk_id: str) -> None:
        self._run("delete_trunk", sip.DeleteSIPTrunkRequest(sip_trunk_id=trunk_id))

    def delete_dispatch_rule(self, rule_id: str) -> None:
        request = sip.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=rule_id)
        self._run("delete_dispatch_rule", request)

    def create_outbound_trunk(self, **fields: Any) -> sip.SIPOutboundTrunkInfo:
        request = sip.CreateSIPOutboundTrunkRequest(trunk=sip.SIPOutboundTrunkInfo(**fields))
        return self._run("create_outbound_trunk", request)

    def create_inbound_trunk(self, **fields: Any) -> sip.SIPInboundTrunkInfo:
        request = sip.CreateSIPInboundTrunkRequest(trunk=sip.SIPInboundTrunkInfo(**fields))
        return self._run("create_inbound_trunk", request)


@pytest.fixture(scope="session")
def livekit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveKitServer]:
    binary = require_livekit_server()
    with LiveKitServer(binary, tmp_path_factory.mktemp("livekit")) as server:
        yield server


@pytest.fixture
def livekit(livekit_server: LiveKitServer) -> Iterator[LiveKit]:
    """The session's livekit-server with no SIP objects, behind a fresh counting proxy."""
    livekit_server.clear()
    with CountingProxy(livekit_server.url) as proxy:
        yield LiveKit(livekit_server, proxy)
