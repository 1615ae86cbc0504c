"""``pulumi-exotel verify``: exit codes, one summary line, and the password kept off argv."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from pulumi_exotel.edge import KamailioEdge, SubscriberStore
from pulumi_exotel.sip.cli import verify_command
from tests.tools import require_kamailio

pytestmark = pytest.mark.sip

REALM = "acct1.pstn.exotel.com"
PASSWORD = "cli-Secret_42"


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KamailioEdge]:
    require_kamailio()
    workdir = tmp_path_factory.mktemp("cli-edge")
    with SubscriberStore(workdir / "subscribers.sqlite") as store:
        store.upsert("cli_user", REALM, PASSWORD)
        with KamailioEdge(workdir / "kamailio", store.db_path) as running:
            yield running


def run(
    args: list[str], env: dict[str, str | None] | None = None, stdin: str | None = None
) -> Result:
    return CliRunner().invoke(verify_command, args, env=env, input=stdin)


def test_password_from_env_accepted_over_tls_exits_0(edge: KamailioEdge) -> None:
    result = run(
        ["--edge", edge.tls_edge, "--transport", "tls", "--realm", REALM, "--user", "cli_user",
         "--ca-file", str(edge.ca_file)],
        env={"EXOTEL_SIP_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("accepted 200 ") and result.output.endswith(" ms\n")
    assert result.output.count("\n") == 1


def test_password_from_stdin_rejected_exits_1(edge: KamailioEdge) -> None:
    result = run(
        ["--edge", edge.tcp_edge, "--realm", REALM, "--user", "cli_user",
         "--password-env", "UNSET_FOR_THIS_TEST"],
        env={"UNSET_FOR_THIS_TEST": None},
        stdin="not-the-password\n",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.output.startswith("rejected 403 ")
    assert "not-the-password" not in result.output


def test_stdin_password_can_be_right_too_with_options(edge: KamailioEdge) -> None:
    result = run(
        ["--edge", edge.tcp_edge, "--realm", REALM, "--user", "cli_user", "--method", "OPTIONS",
         "--password-env", "UNSET_FOR_THIS_TEST"],
        env={"UNSET_FOR_THIS_TEST": None},
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_unreachable_edge_exits_2(edge: KamailioEdge) -> None:
    result = run(
        ["--edge", edge.tls_edge, "--transport", "tls", "--realm", REALM, "--user", "cli_user"],
        env={"EXOTEL_SIP_PASSWORD": PASSWORD},
    )  # no --ca-file: the throwaway CA is not trusted
    assert result.exit_code == 2
    assert result.output.startswith("error - ") and "not trusted" in result.output


def test_there_is_no_password_option() -> None:
    result = run(["--edge", "127.0.0.1:5070", "--realm", REALM, "--user", "u", "--password", "x"])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_malformed_edge_is_a_usage_error() -> None:
    result = run(
        ["--edge", "no-port-here", "--realm", REALM, "--user", "u"],
        env={"EXOTEL_SIP_PASSWORD": "x"},
    )
    assert result.exit_code == 2
    assert "host:port" in result.output


@pytest.mark.parametrize(
    ("env", "stdin"),
    [({"EXOTEL_SIP_PASSWORD": ""}, None), ({"EXOTEL_SIP_PASSWORD": None}, "\n")],
    ids=["empty-variable", "empty-stdin"],
)
def test_empty_password_is_a_usage_error_not_a_rejection(
    env: dict[str, str | None], stdin: str | None
) -> None:
    # Nothing listens on port 9: the command must stop before any network I/O.
    result = run(["--edge", "127.0.0.1:9", "--realm", REALM, "--user", "u"], env=env, stdin=stdin)
    assert result.exit_code == 2, result.output
    assert "no password given" in result.output and "EXOTEL_SIP_PASSWORD" in result.output
    assert "rejected" not in result.output
