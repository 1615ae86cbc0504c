"""SIP request building and stream framing: what a TCP/TLS edge needs byte for byte."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_exotel.sip.message import (
    MAX_HEADER_BYTES,
    Frame,
    FrameReader,
    SipProtocolError,
    SipResponse,
    StreamClosed,
    build_request,
    new_branch,
    parse_response,
)

pytestmark = pytest.mark.unit

OK_WITH_BODY = (
    b"SIP/2.0 200 OK\r\n"
    b"Via: SIP/2.0/TCP 127.0.0.1:5555;branch=z9hG4bKabc;rport=5555\r\n"
    b"CSeq: 7 OPTIONS\r\n"
    b"Content-Type: application/sdp\r\n"
    b"Content-Length: 14\r\n"
    b"\r\n"
    b"v=0\r\no=- 1 1\r\n"
)
UNAUTHORIZED = (
    b"SIP/2.0 401 Unauthorized\r\n"
    b"v: SIP/2.0/TCP 127.0.0.1:5555;branch=z9hG4bKdef\r\n"
    b'WWW-Authenticate: Digest realm="r",\r\n'
    b' nonce="n"\r\n'
    b"l: 0\r\n"
    b"\r\n"
)


def _chunks(data: bytes, size: int) -> Callable[[int], bytes]:
    """A recv() that hands out ``data`` ``size`` bytes at a time, then end of stream."""
    pieces = [data[i : i + size] for i in range(0, len(data), size)]

    def recv(_: int) -> bytes:
        return pieces.pop(0) if pieces else b""

    return recv


def _response(frame: Frame) -> SipResponse:
    response = parse_response(frame)
    assert response is not None
    return response


def test_request_always_carries_content_length() -> None:
    empty = build_request("REGISTER", "sip:r", [("CSeq", "1 REGISTER")])
    assert empty.endswith(b"Content-Length: 0\r\n\r\n")
    assert empty.startswith(b"REGISTER sip:r SIP/2.0\r\n")
    with_body = build_request("OPTIONS", "sip:r", [], body=b"hello")
    assert with_body.endswith(b"Content-Length: 5\r\n\r\nhello")


def test_content_length_given_by_the_caller_is_refused() -> None:
    with pytest.raises(ValueError, match="computed"):
        build_request("REGISTER", "sip:r", [("l", "3")])


@pytest.mark.parametrize("value", ["a\r\nInjected: yes", "a\nb"])
def test_header_injection_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="line break"):
        build_request("REGISTER", "sip:r", [("From", value)])


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_frames_are_cut_at_content_length_however_the_bytes_arrive(size: int) -> None:
    reader = FrameReader(_chunks(OK_WITH_BODY + UNAUTHORIZED, size))
    first = _response(reader.read_frame())
    assert (first.status, first.reason, first.body) == (200, "OK", b"v=0\r\no=- 1 1\r\n")
    assert first.cseq == (7, "OPTIONS")
    assert first.via_branch == "z9hG4bKabc"
    second = _response(reader.read_frame())
    assert second.status == 401
    # Compact header names and obsolete line folding are understood.
    assert second.via_branch == "z9hG4bKdef"
    assert second.header("www-authenticate") == 'Digest realm="r", nonce="n"'
    with pytest.raises(StreamClosed):
        reader.read_frame()


def test_keepalive_crlfs_between_messages_are_skipped() -> None:
    reader = FrameReader(_chunks(b"\r\n\r\n\r\n" + UNAUTHORIZED, 3))
    assert _response(reader.read_frame()).status == 401


def test_stream_closed_in_the_middle_of_a_body_is_reported() -> None:
    reader = FrameReader(_chunks(OK_WITH_BODY[:-4], 50))
    with pytest.raises(StreamClosed):
        reader.read_frame()


def test_message_without_content_length_is_a_protocol_error() -> None:
    reader = FrameReader(_chunks(b"SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\n\r\n", 100))
    with pytest.raises(SipProtocolError, match="no Content-Length"):
        reader.read_frame()


@pytest.mark.parametrize("value", [b"abc", b"-1", b"5, 6"])
def test_invalid_content_length_is_a_protocol_error(value: bytes) -> None:
    reader = FrameReader(_chunks(b"SIP/2.0 200 OK\r\nContent-Length: " + value + b"\r\n\r\n", 100))
    with pytest.raises(SipProtocolError, match="invalid Content-Length"):
        reader.read_frame()


def test_endless_head_is_cut_off() -> None:
    endless = b"SIP/2.0 200 OK\r\n" + b"X-Junk: " + b"a" * (MAX_HEADER_BYTES + 10)
    with pytest.raises(SipProtocolError, match="exceeds"):
        FrameReader(_chunks(endless, 8192)).read_frame()


def test_a_request_from_the_edge_is_not_taken_for_a_response() -> None:
    ping = b"OPTIONS sip:me@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n"
    assert parse_response(FrameReader(_chunks(ping, 100)).read_frame()) is None


@pytest.mark.parametrize(
    "start", [b"SIP/2.0 20 OK", b"SIP/3.0 200 OK", b"HTTP/1.1 200 OK", b"SIP/2.0 abc OK"]
)
def test_malformed_status_lines_are_protocol_errors(start: bytes) -> None:
    frame = FrameReader(_chunks(start + b"\r\nContent-Length: 0\r\n\r\n", 100)).read_frame()
    with pytest.raises(SipProtocolError):
        parse_response(frame)


def test_header_line_without_colon_is_a_protocol_error() -> None:
    with pytest.raises(SipProtocolError, match="malformed header"):
        FrameReader(_chunks(b"SIP/2.0 200 OK\r\nbogus\r\nl: 0\r\n\r\n", 100)).read_frame()


def test_branches_are_rfc3261_and_unique() -> None:
    branches = {new_branch() for _ in range(100)}
    assert len(branches) == 100
    assert all(b.startswith("z9hG4bK") for b in branches)


@given(body=st.binary(max_size=300), size=st.integers(min_value=1, max_value=64))
def test_any_body_round_trips_through_the_framer(body: bytes, size: int) -> None:
    wire = (
        b"SIP/2.0 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    ) * 2
    reader = FrameReader(_chunks(wire, size))
    assert reader.read_frame().body == body
    assert reader.read_frame().body == body
