"""Register with sipp, an independent SIP client, to cross-check a credential at an edge.

Our own digest client and Kamailio could share a misreading of the RFCs; sipp (Debian's
``sip-tester``) computes the digest with its own code. ``sipp_register`` runs one REGISTER
401 -> REGISTER-with-credentials exchange and returns ``"accepted"`` or ``"rejected"``;
anything else (no answer, sipp failure) raises ``SippError``. Debian's sipp has no TLS, so for
``transport="tls"`` an stunnel client carries sipp's TCP stream over verified TLS. sipp 3.6
computes MD5 digests only: against a SHA-256 edge it fails with ``SippError``.

The password goes into a scenario file inside a private temporary directory, never into
argv (which every local user can read in ``ps``).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from pulumi_exotel.edge.kamailio import INSTALL_HINT, free_port, stop_process_group, which_tool

__all__ = ["SippError", "SippNotFound", "find_sipp", "find_stunnel", "sipp_register"]

SippOutcome = Literal["accepted", "rejected"]
_FINAL_OUTCOME: dict[str, SippOutcome] = {"200": "accepted", "401": "rejected", "403": "rejected"}
# sipp reads ``[authentication username=.. password=..]`` up to a space or ']'.
_SAFE_VALUE = re.compile(r"^[!-Z\\^-~]+$")

# One REGISTER; sent twice: without credentials, then answering the 401 (sipp's [authentication]).
_REGISTER = """    <![CDATA[
REGISTER sip:{{realm}} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];rport;branch=[branch]
Max-Forwards: 70
From: <sip:{{user}}@{{realm}}>;tag=[pid]SIPpTag[call_number]
To: <sip:{{user}}@{{realm}}>
Call-ID: [call_id]
CSeq: {cseq} REGISTER
Contact: <sip:{{user}}@[local_ip]:[local_port];transport=[transport]>
Expires: 60
{auth}Content-Length: 0

    ]]>"""
_AUTHENTICATION = "[authentication username={user} password={password}]\n"
_SCENARIO = f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="pulumi-exotel register">
  <send>
{_REGISTER.format(cseq=1, auth="")}
  </send>
  <recv response="401" auth="true"/>
  <send>
{_REGISTER.format(cseq=2, auth=_AUTHENTICATION)}
  </send>
  <recv response="200" optional="true" next="done">
    <action><log message="FINAL 200"/></action>
  </recv>
  <recv response="401" optional="true" next="done">
    <action><log message="FINAL 401"/></action>
  </recv>
  <recv response="403" next="done">
    <action><log message="FINAL 403"/></action>
  </recv>
  <label id="done"/>
</scenario>
"""


class SippNotFound(RuntimeError):
    """sipp (or stunnel, for TLS) is not installed."""


class SippError(RuntimeError):
    """sipp could not reach a verdict (no answer, unexpected reply, crash)."""


def _find(tool: str) -> str:
    found = which_tool(tool)
    if found is None:
        raise SippNotFound(f"{tool} is not installed: {INSTALL_HINT}")
    return found


def find_sipp() -> str:
    return _find("sipp")


def find_stunnel() -> str:
    return _find("stunnel4") if which_tool("stunnel4") else _find("stunnel")


def _wait_accepting(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SippError(f"stunnel exited: {log.read_text(errors='replace')[-1500:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise SippError("stunnel did not start listening within 5 s")


@contextmanager
def _tls_tunnel(workdir: Path, edge: str, ca_file: str | None, server_name: str) -> Iterator[str]:
    """A loopback TCP port whose bytes stunnel carries to ``edge`` over verified TLS."""
    port = free_port()
    check = "checkIP" if re.fullmatch(r"[\d.]+", server_name) else "checkHost"
    lines = [
        "foreground = yes",
        "pid =",
        "syslog = no",
        f"output = {workdir / 'stunnel.log'}",
        "[sip]",
        "client = yes",
        f"accept = 127.0.0.1:{port}",
        f"connect = {edge}",
        "sslVersionMin = TLSv1.2",
        "verifyChain = yes",
        f"{check} = {server_name}",
    ]
    lines.append(f"CAfile = {ca_file}" if ca_file else "CApath = /etc/ssl/certs")
    conf = workdir / "stunnel.conf"
    conf.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen(
        [find_stunnel(), str(conf)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_accepting(port, process, workdir / "stunnel.log")
        yield f"127.0.0.1:{port}"
    finally:
        stop_process_group(process)


def sipp_register(
    edge: str,
    realm: str,
    user_name: str,
    password: str,
    *,
    transport: Literal["tcp", "tls"] = "tcp",
    ca_file: str | None = None,
    server_name: str | None = None,
    timeout: float = 10.0,
) -> SippOutcome:
    """One sipp REGISTER with digest auth at ``edge`` (``host:port``); accepted or rejected.

    For TLS the edge certificate is verified against ``ca_file`` (default: the system store)
    for ``server_name`` (default: the edge host).
    """
    for what, value in (("user name", user_name), ("password", password), ("realm", realm)):
        if not _SAFE_VALUE.fullmatch(value):
            raise ValueError(f"sipp cannot carry this {what}: printable ASCII without [ ] only")
    sipp = find_sipp()
    with tempfile.TemporaryDirectory(prefix="sipp-") as tmp:
        workdir = Path(tmp)
        scenario = workdir / "register.xml"
        fd = os.open(scenario, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(_SCENARIO.format(realm=realm, user=user_name, password=password))
        if transport == "tls":
            host = edge.rsplit(":", 1)[0]
            with _tls_tunnel(workdir, edge, ca_file, server_name or host) as tunnel:
                return _run_sipp(sipp, workdir, scenario, tunnel, realm, timeout)
        return _run_sipp(sipp, workdir, scenario, edge, realm, timeout)


def _run_sipp(
    sipp: str, workdir: Path, scenario: Path, target: str, realm: str, timeout: float
) -> SippOutcome:
    log, errors = workdir / "actions.log", workdir / "errors.log"
    # Every socket sipp opens is pinned to loopback: SIP (-i/-p), media (-mi/-mp) and its
    # remote-control port (-ci/-cp), which otherwise binds 0.0.0.0:8888.
    command = [
        sipp, target,
        "-sf", str(scenario),
        "-t", "t1",
        "-m", "1",
        "-i", "127.0.0.1", "-p", str(free_port()),
        "-mi", "127.0.0.1", "-mp", str(free_port(kind=socket.SOCK_DGRAM)),
        "-ci", "127.0.0.1", "-cp", str(free_port(kind=socket.SOCK_DGRAM)),
        "-auth_uri", realm,
        "-nd", "-nostdin",
        "-timeout", f"{timeout:g}s", "-timeout_error",
        "-trace_logs", "-log_file", str(log),
        "-trace_err", "-error_file", str(errors),
    ]  # fmt: skip
    try:
        subprocess.run(
            command,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout + 10,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SippError(f"sipp did not finish within {timeout + 10:g} s") from exc
    finals = re.findall(r"FINAL (\d{3})", log.read_text() if log.exists() else "")
    if finals and finals[-1] in _FINAL_OUTCOME:
        return _FINAL_OUTCOME[finals[-1]]
    detail = errors.read_text(errors="replace")[-1500:] if errors.exists() else "no error log"
    raise SippError(f"sipp got no final answer from {target}: {detail}")
