"""Digest maths against the RFC test vectors, and challenges a broken edge might send."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_exotel.sip.digest import (
    Challenge,
    DigestError,
    authorization_value,
    choose_challenge,
    format_nc,
    ha1,
    parse_auth_params,
    parse_challenge,
)

pytestmark = pytest.mark.unit

# RFC 7616 §3.9.1 ("Example with SHA-256 and MD5"), transcribed as facts.
RFC7616_USER = "Mufasa"
RFC7616_PASSWORD = "Circle of Life"  # lower-case "of": RFC 7616 errata 4495
RFC7616_REALM = "http-auth@example.org"
RFC7616_METHOD = "GET"
RFC7616_URI = "/dir/index.html"
RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
RFC7616_OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
RFC7616_RESPONSE = {
    "MD5": "8ca523f5e9506fed4657c9700eebdbec",
    "SHA-256": "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
}
# The two challenges of the example, header folding turned into spaces.
RFC7616_CHALLENGES = [
    f'Digest realm="{RFC7616_REALM}", qop="auth, auth-int", algorithm={algorithm},'
    f' nonce="{RFC7616_NONCE}", opaque="{RFC7616_OPAQUE}"'
    for algorithm in ("SHA-256", "MD5")
]

# RFC 2617 §3.5 (MD5, qop=auth), transcribed as facts.
RFC2617_CHALLENGE = (
    'Digest realm="testrealm@host.com", qop="auth,auth-int",'
    ' nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
)
RFC2617_RESPONSE = "6629fae49393a05397450978507c4ef1"


def _params(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "Digest"
    return parse_auth_params(rest)


@pytest.mark.parametrize("challenge_text", RFC7616_CHALLENGES)
def test_rfc7616_example_response_matches_for_md5_and_sha256(challenge_text: str) -> None:
    challenge = parse_challenge(challenge_text)
    header = authorization_value(
        challenge,
        user_name=RFC7616_USER,
        password=RFC7616_PASSWORD,
        method=RFC7616_METHOD,
        uri=RFC7616_URI,
        nc=1,
        cnonce=RFC7616_CNONCE,
    )
    params = _params(header)
    assert params["response"] == RFC7616_RESPONSE[challenge.algorithm]
    assert params["qop"] == "auth"
    assert params["nc"] == "00000001"
    assert params["cnonce"] == RFC7616_CNONCE
    assert params["opaque"] == RFC7616_OPAQUE
    assert params["uri"] == RFC7616_URI
    assert params["algorithm"] == challenge.algorithm
    # RFC 7616 §3.4: qop and nc are sent as tokens, not quoted strings.
    assert "qop=auth," in header and "nc=00000001" in header


def test_rfc2617_example_response_matches() -> None:
    header = authorization_value(
        parse_challenge(RFC2617_CHALLENGE),
        user_name="Mufasa",
        password="Circle Of Life",
        method="GET",
        uri="/dir/index.html",
        nc=1,
        cnonce="0a4f113b",
    )
    assert _params(header)["response"] == RFC2617_RESPONSE


def test_strongest_offered_algorithm_is_chosen_whatever_the_order() -> None:
    assert choose_challenge(RFC7616_CHALLENGES).algorithm == "SHA-256"
    assert choose_challenge(reversed(RFC7616_CHALLENGES)).algorithm == "SHA-256"


def test_challenge_without_qop_gets_an_rfc2069_answer() -> None:
    challenge = parse_challenge('Digest realm="r.example", nonce="abc"')
    params = _params(
        authorization_value(challenge, user_name="u", password="p", method="REGISTER", uri="sip:r")
    )
    assert not {"qop", "nc", "cnonce"} & params.keys()
    # RFC 2069: response = MD5(HA1:nonce:HA2), written out here independently of the module.

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()  # noqa: S324

    expected = md5(f"{md5('u:r.example:p')}:abc:{md5('REGISTER:sip:r')}")
    assert params["response"] == expected
    assert params["algorithm"] == "MD5"  # absent in the challenge means MD5


def test_sess_algorithm_folds_nonce_and_cnonce_into_ha1() -> None:
    plain = ha1("MD5", "u", "r", "p")
    assert (
        ha1("MD5-sess", "u", "r", "p", "n", "c")
        == hashlib.md5(  # noqa: S324
            f"{plain}:n:c".encode()
        ).hexdigest()
    )


def test_challenge_parameters_are_parsed() -> None:
    challenge = parse_challenge(
        'digest realm="a \\"quoted\\" realm", NONCE="n,1", stale=TRUE, algorithm=sha-256,'
        ' qop="auth-int,auth", opaque=tok'
    )
    assert challenge == Challenge(
        realm='a "quoted" realm',
        nonce="n,1",
        algorithm="SHA-256",
        qop=("auth-int", "auth"),
        opaque="tok",
        stale=True,
    )
    assert challenge.chosen_qop == "auth"


def test_auth_int_only_challenge_is_answered_with_auth_int() -> None:
    challenge = parse_challenge('Digest realm="r", nonce="n", qop="auth-int"')
    params = _params(
        authorization_value(challenge, user_name="u", password="p", method="OPTIONS", uri="sip:r")
    )
    assert params["qop"] == "auth-int"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ('Basic realm="r"', "not a Digest challenge"),
        ("", "not a Digest challenge"),
        ('Digest nonce="n"', "no realm"),
        ('Digest realm="r"', "no nonce"),
        ('Digest realm="r", nonce=""', "no nonce"),
        ('Digest realm="r, nonce="n"', "expected ','"),
        ('Digest realm="r", nonce="n', "unterminated"),
        ('Digest realm="r", nonce="n", nonce="m"', "appears twice"),
        ('Digest realm="r" nonce="n"', "expected ','"),
        ('Digest realm="r", nonce', "expected name=value"),
        ('Digest realm="r", nonce=', "empty value"),
        ('Digest realm="r", nonce="n", algorithm=SHA-512-256', "unsupported digest algorithm"),
        ('Digest realm="r", nonce="n", qop="auth-conf"', "unsupported qop"),
    ],
)
def test_malformed_or_unsupported_challenges_are_refused(header: str, message: str) -> None:
    with pytest.raises(DigestError, match=message):
        parse_challenge(header)


def test_one_usable_challenge_is_enough_and_none_is_an_error() -> None:
    good = 'Digest realm="r", nonce="n", algorithm=MD5'
    assert choose_challenge(['Digest realm="r", nonce="n", algorithm=SHA-512', good]).nonce == "n"
    with pytest.raises(DigestError, match="unsupported digest algorithm"):
        choose_challenge(['Digest realm="r", nonce="n", algorithm=SHA-512'])
    with pytest.raises(DigestError, match="no challenge"):
        choose_challenge([])


@pytest.mark.parametrize(
    ("count", "text"), [(1, "00000001"), (255, "000000ff"), (2**32 - 1, "ffffffff")]
)
def test_nonce_count_is_eight_hex_digits(count: int, text: str) -> None:
    assert format_nc(count) == text


@pytest.mark.parametrize("count", [0, 2**32])
def test_nonce_count_out_of_range_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="nonce count"):
        format_nc(count)


@given(user=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_any_user_name_survives_quoting(user: str) -> None:
    challenge = parse_challenge('Digest realm="r", nonce="n", qop="auth"')
    header = authorization_value(
        challenge, user_name=user, password="p", method="REGISTER", uri="sip:r"
    )
    assert _params(header)["username"] == user


def test_the_password_never_appears_in_the_answer() -> None:
    password = "Pa55word_that_must_not_leak"
    header = authorization_value(
        parse_challenge(RFC7616_CHALLENGES[0]),
        user_name="u",
        password=password,
        method="REGISTER",
        uri="sip:r",
    )
    assert password not in header
