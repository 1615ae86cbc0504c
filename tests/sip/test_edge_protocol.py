"""The digest client against a scripted edge: the protocol details Kamailio is lenient about.

A real edge hides how a client retries (Kamailio accepts a wrong digest uri, a repeated nc, a
missing qop). This fake edge records every request byte for byte and answers as scripted, so
these tests pin down Call-ID/tag/CSeq/branch handling, retry limits, 407, stale nonces,
framing and failures. No Kamailio needed.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from pulumi_exotel.sip import SipSession, verify_credential, verify_with
from pulumi_exotel.sip.digest import parse_auth_params
from pulumi_exotel.sip.message import Frame, FrameReader, SipProtocolError, StreamClosed

pytestmark = pytest.mark.sip

REALM = "acct1.pstn.exotel.com"
PASSWORD = "fake-edge-Secret_123"
CLOSE = None  # in a reply list: close the connection here

Reply = list[bytes | None]


@dataclass
class Request:
    method: str
    frame: Frame

    def header(self, name: str) -> str:
        values = [v for k, v in self.frame.headers if k.lower() == name.lower()]
        assert values, f"request has no {name} header"
        return values[0]

    def digest(self, name: str = "Authorization") -> dict[str, str]:
        return parse_auth_params(self.header(name).partition(" ")[2])

    def has(self, name: str) -> bool:
        return any(k.lower() == name.lower() for k, _ in self.frame.headers)


def reply(request: Request, status: str, *extra: str, body: bytes = b"") -> bytes:
    """A response echoing the request's transaction headers, as RFC 3261 §8.2.6 requires."""
    lines = [f"SIP/2.0 {status}"]
    lines += [f"{n}: {request.header(n)}" for n in ("Via", "From", "To", "Call-ID", "CSeq")]
    lines += [*extra, f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def challenge(kind: str = "WWW-Authenticate", nonce: str = "n1", stale: bool = False) -> str:
    extra = ", stale=true" if stale else ""
    return f'{kind}: Digest realm="{REALM}", nonce="{nonce}", qop="auth", algorithm=MD5{extra}'


@dataclass
class FakeEdge:
    """A loopback SIP server that answers each request with ``responder(request, index)``."""

    responder: Callable[[Request, int], Reply]
    requests: list[Request] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self._server.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        reader = FrameReader(conn.recv)
        while True:
            try:
                frame = reader.read_frame()
            except (StreamClosed, SipProtocolError, OSError):
                return
            request = Request(frame.start_line.split(" ")[0], frame)
            self.requests.append(request)
            for item in self.responder(request, len(self.requests) - 1):
                if item is CLOSE:
                    return
                conn.sendall(item)

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def fake_edge() -> Iterator[Callable[[Callable[[Request, int], Reply]], FakeEdge]]:
    edges: list[FakeEdge] = []

    def start(responder: Callable[[Request, int], Reply]) -> FakeEdge:
        edges.append(FakeEdge(responder))
        return edges[-1]

    yield start
    for edge in edges:
        edge.close()


def challenge_then_ok(request: Request, index: int) -> Reply:
    if request.has("Authorization") or request.has("Proxy-Authorization"):
        return [reply(request, "200 OK")]
    kind = "WWW-Authenticate" if request.method == "REGISTER" else "Proxy-Authenticate"
    status = (
        "401 Unauthorized" if request.method == "REGISTER" else "407 Proxy Authentication Required"
    )
    return [reply(request, status, challenge(kind, nonce=f"n{index}"))]


def test_retry_after_401_keeps_call_id_and_tag_bumps_cseq_and_opens_a_new_branch(
    fake_edge: Callable[..., FakeEdge],
) -> None:
    edge = fake_edge(challenge_then_ok)
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD)
    assert (result.outcome, result.status, result.attempts) == ("accepted", 200, 2)
    first, second = edge.requests
    assert first.header("Call-ID") == second.header("Call-ID")
    assert first.header("From") == second.header("From") and ";tag=" in first.header("From")
    cseq1, cseq2 = (int(r.header("CSeq").split()[0]) for r in edge.requests)
    assert cseq2 == cseq1 + 1
    branches = [r.header("Via").split("branch=")[1] for r in edge.requests]
    assert branches[0] != branches[1] and all(b.startswith("z9hG4bK") for b in branches)
    assert first.frame.start_line == f"REGISTER sip:{REALM} SIP/2.0"
    # A verification queries bindings; it never registers a Contact that would divert calls.
    assert not first.has("Contact") and not second.has("Contact")
    answer = second.digest()
    assert (answer["username"], answer["realm"], answer["nonce"]) == ("alice", REALM, "n0")
    assert (answer["uri"], answer["qop"], answer["nc"]) == (f"sip:{REALM}", "auth", "00000001")
    assert edge.connections == 1


def test_407_is_answered_with_proxy_authorization(fake_edge: Callable[..., FakeEdge]) -> None:
    edge = fake_edge(challenge_then_ok)
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD, method="OPTIONS")
    assert (result.outcome, result.status, result.attempts) == ("accepted", 200, 2)
    answered = edge.requests[1]
    assert answered.method == "OPTIONS"
    assert answered.digest("Proxy-Authorization")["nonce"] == "n0"
    assert not answered.has("Authorization")


def test_edge_refusing_the_digest_without_stale_is_not_asked_again(
    fake_edge: Callable[..., FakeEdge],
) -> None:
    edge = fake_edge(lambda r, i: [reply(r, "401 Unauthorized", challenge(nonce=f"n{i}"))])
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD, max_attempts=5)
    assert (result.outcome, result.status, result.attempts) == ("rejected", 401, 2)
    assert "refused the digest" in result.reason
    assert len(edge.requests) == 2


def test_edge_that_keeps_saying_stale_is_given_up_on_after_max_attempts(
    fake_edge: Callable[..., FakeEdge],
) -> None:
    edge = fake_edge(
        lambda r, i: [reply(r, "401 Unauthorized", challenge(nonce=f"n{i}", stale=i > 0))]
    )
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD, max_attempts=4)
    assert (result.outcome, result.status, result.attempts) == ("rejected", 401, 4)
    assert "still challenged after 4 attempts" in result.reason
    # Each retry answered the newest nonce.
    assert [r.digest()["nonce"] for r in edge.requests[1:]] == ["n0", "n1", "n2"]


def test_stale_nonce_is_retried_with_the_new_one(fake_edge: Callable[..., FakeEdge]) -> None:
    def responder(request: Request, index: int) -> Reply:
        if index == 0:
            return [reply(request, "401 Unauthorized", challenge(nonce="old"))]
        if index == 1:
            return [reply(request, "401 Unauthorized", challenge(nonce="new", stale=True))]
        return [reply(request, "200 OK")]

    edge = fake_edge(responder)
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD)
    assert (result.outcome, result.attempts) == ("accepted", 3)
    assert edge.requests[2].digest()["nonce"] == "new"
    assert edge.requests[2].digest()["nc"] == "00000001"


@pytest.mark.parametrize(
    "bad",
    [
        'WWW-Authenticate: Basic realm="x"',
        'WWW-Authenticate: Digest realm="unterminated, nonce="n',
        'WWW-Authenticate: Digest realm="r", nonce="n", algorithm=SHA-512-256',
        "X-No-Challenge: at-all",
    ],
)
def test_unusable_challenge_is_an_error_not_a_rejection(
    fake_edge: Callable[..., FakeEdge], bad: str
) -> None:
    edge = fake_edge(lambda r, i: [reply(r, "401 Unauthorized", bad)])
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD)
    assert (result.outcome, result.status) == ("error", 401)
    assert "unusable 401 challenge" in result.reason
    assert len(edge.requests) == 1


def test_challenge_for_another_realm_is_not_answered(fake_edge: Callable[..., FakeEdge]) -> None:
    other = 'WWW-Authenticate: Digest realm="evil.example", nonce="n", qop="auth"'
    edge = fake_edge(lambda r, i: [reply(r, "401 Unauthorized", other)])
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD)
    assert result.outcome == "error"
    assert "evil.example" in result.reason and REALM in result.reason
    assert len(edge.requests) == 1  # no digest of our password went to the other realm


def test_provisional_and_stray_responses_are_skipped(fake_edge: Callable[..., FakeEdge]) -> None:
    def responder(request: Request, index: int) -> Reply:
        stray = reply(request, "200 OK").replace(b"branch=z9hG4bK", b"branch=z9hG4bKstray")
        final = reply(request, "403 Forbidden")
        wire = reply(request, "100 Trying") + stray + final
        # Dribble the bytes out in odd-sized pieces to exercise the framer too.
        return [wire[i : i + 37] for i in range(0, len(wire), 37)]

    edge = fake_edge(responder)
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD)
    assert (result.outcome, result.status, result.attempts) == ("rejected", 403, 1)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [("500 Server Error", "error"), ("404 Not Found", "rejected"), ("202 Accepted", "accepted")],
)
def test_final_status_maps_to_outcome(
    fake_edge: Callable[..., FakeEdge], status: str, outcome: str
) -> None:
    edge = fake_edge(lambda r, i: [reply(r, status)])
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD)
    assert (result.outcome, result.status) == (outcome, int(status[:3]))


def test_edge_closing_without_an_answer_is_an_error(fake_edge: Callable[..., FakeEdge]) -> None:
    edge = fake_edge(lambda r, i: [CLOSE])
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD)
    assert (result.outcome, result.status) == ("error", None)
    assert "closed the connection" in result.reason


def test_silent_edge_times_out_within_the_budget(fake_edge: Callable[..., FakeEdge]) -> None:
    edge = fake_edge(lambda r, i: [])
    started = time.monotonic()
    result = verify_credential(edge.address, "tcp", REALM, "alice", PASSWORD, timeout=0.3)
    assert result.outcome == "error" and "within 0.3 s" in result.reason
    assert time.monotonic() - started < 2


def test_refused_connection_is_an_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        result = verify_credential(f"127.0.0.1:{port}", "tcp", REALM, "alice", PASSWORD)
    assert result.outcome == "error" and "cannot connect" in result.reason


def test_session_reuses_the_nonce_with_a_growing_nonce_count(
    fake_edge: Callable[..., FakeEdge],
) -> None:
    edge = fake_edge(challenge_then_ok)
    with SipSession(edge.address, "tcp", REALM, "alice", PASSWORD) as session:
        results = [verify_with(session) for _ in range(3)]
    assert [r.attempts for r in results] == [2, 1, 1]
    answers = [r.digest() for r in edge.requests[1:]]
    assert [a["nonce"] for a in answers] == ["n0", "n0", "n0"]
    assert [a["nc"] for a in answers] == ["00000001", "00000002", "00000003"]
    assert len({a["cnonce"] for a in answers}) == 3
    assert len({r.header("Call-ID") for r in edge.requests}) == 1
    assert [int(r.header("CSeq").split()[0]) for r in edge.requests] == [1, 2, 3, 4]
    assert edge.connections == 1


def test_session_reconnects_once_when_the_edge_closed_the_idle_connection(
    fake_edge: Callable[..., FakeEdge],
) -> None:
    # The edge answers one request per connection, then hangs up (like an idle timeout).
    edge = fake_edge(lambda r, i: [reply(r, "200 OK"), CLOSE])
    with SipSession(edge.address, "tcp", REALM, "alice", PASSWORD) as session:
        first = verify_with(session)
        time.sleep(0.05)
        second = verify_with(session)
    assert (first.outcome, second.outcome) == ("accepted", "accepted")
    assert edge.connections == 2
    assert second.connect_ms is not None  # the fresh connection is reported


def test_password_stays_out_of_logs_reprs_and_results(
    fake_edge: Callable[..., FakeEdge], caplog: pytest.LogCaptureFixture
) -> None:
    edge = fake_edge(challenge_then_ok)
    caplog.set_level(logging.DEBUG)
    with SipSession(edge.address, "tcp", REALM, "alice", PASSWORD) as session:
        result = verify_with(session)
        shown = " ".join([repr(session), str(vars(session)), repr(result), caplog.text])
    assert result.accepted
    assert "attempt 2 -> 200" in caplog.text  # the exchange is logged...
    assert PASSWORD not in shown  # ...without the password
    assert all(
        PASSWORD.encode() not in r.frame.start_line.encode() + str(r.frame.headers).encode()
        for r in edge.requests
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"edge": "no-port"}, "host:port"),
        ({"edge": "127.0.0.1:0"}, "port"),
        ({"transport": "udp"}, "transport"),
        ({"user_name": "bad user"}, "user name"),
        ({"user_name": "a<b>"}, "user name"),
        ({"realm": "evil.example>\r\nX: y"}, "realm"),
    ],
)
def test_invalid_arguments_raise_before_any_traffic(kwargs: dict[str, str], message: str) -> None:
    args = {"edge": "127.0.0.1:5070", "transport": "tcp", "realm": REALM, "user_name": "alice"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        verify_credential(
            args["edge"],
            args["transport"],  # type: ignore[arg-type]
            args["realm"],
            args["user_name"],
            PASSWORD,
        )
