"""A killed `pulumi up` never leaves an object nobody owns (issue 12).

Each trial (seeded; the seed picks the moment) runs `pulumi up` of a fresh 42-object stack
(tests/engine/programs/crash: two trunks, each with DIDs, ACL entries, FQDN and IP destinations,
and credentials with fixed and generated user names), SIGKILLs the CLI's whole process group at
a random moment, then runs exactly the recovery the README documents:

    pulumi cancel --yes
    (if that fails with "failed to load checkpoint: EOF": delete the empty .attrs file next to
    the stack's checkpoint and run pulumi cancel --yes again)
    pulumi refresh --clear-pending-creates --yes
    pulumi up --yes

and then checks, against the emulator, that Exotel holds exactly the intended objects: every
object in state exists, nothing exists that state does not hold (orphans), no natural key twice
(duplicates), and the counts per kind are the program's. No process of the run (language host,
program, dynamic provider) may be alive 10 s after the kill.

One emulator serves every trial (reset between them, answering each request after 60 ms so the
creates spread over a few seconds); each trial has its own stack, backend and journal store. The
kill comes a random 0-120 ms after a random request number (1 to the number of requests of an
uninterrupted `up`), so kills land among the creates however loaded the machine is. The
last test prints the table of trials; "taken over" counts the objects that existed in Exotel but
not in state after the kill (each an orphan without the intent journal).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import settings_for
from tests.engine.conftest import PROGRAMS, emulator_config
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine

TRIALS = 20
BASE_SEED = 1200
#: What the program declares (tests/engine/programs/crash/__main__.py).
INTENDED = {"trunk": 2, "phone mapping": 10, "acl": 8, "destination": 8, "credential": 14}
#: Latency of every emulated API request (a fast Exotel).
REQUEST_LATENCY_MS = 60
#: Processes of a run must be gone this long after the kill.
PROCESS_GRACE_SECONDS = 10.0


@dataclass
class Trial:
    seed: int
    after_requests: int
    then_seconds: float
    kill_at: float
    created_before_kill: int = 0
    taken_over: int = 0
    cancel_output: str = ""
    processes_gone_after: float = 0.0
    orphans: int = 0
    duplicates: int = 0
    missing: int = 0
    ok: bool = False


RESULTS: dict[int, Trial] = {}


@pytest.fixture(scope="module")
def requests_per_up(
    pulumi_on_path: str,
    emulator_server: EmulatorServer,
    emulator_control: httpx.Client,
    tmp_path_factory: pytest.TempPathFactory,
) -> int:
    """How many API requests one uninterrupted `up` of the stack sends: each trial kills after
    a random number of them, so kills land among the creates however loaded the machine is."""
    _reset(emulator_control)
    ws = _workspace(emulator_server, tmp_path_factory.mktemp("calibrate"))
    ws.up()
    total: int = emulator_control.get("/stats").json()["total"]
    return total


def _reset(control: httpx.Client) -> None:
    """A fresh emulator that answers every API request after REQUEST_LATENCY_MS: the creates
    of one `up` then spread over a couple of seconds, so kills land among them."""
    control.post("/reset").raise_for_status()
    control.post(
        "/faults",
        json={
            "kind": "latency",
            "path_regex": "^/v2/",
            "delay_ms": REQUEST_LATENCY_MS,
            "count": None,
        },
    ).raise_for_status()


def _workspace(server: EmulatorServer, tmp: Path) -> Workspace:
    ws = Workspace.create(PROGRAMS / "crash", tmp)
    config = {
        **emulator_config(server),
        "exotel:rateLimitStore": f"sqlite:///{tmp}/store.sqlite",
    }
    args = ["config", "set-all", "--stack", ws.stack]
    for key, value in config.items():
        args += ["--secret" if key == "exotel:apiToken" else "--plaintext", f"{key}={value}"]
    ws.run(*args)
    return ws


def _processes_of(home: str) -> list[str]:
    """Live processes started for the run whose PULUMI_HOME is ``home`` (CLI, language host,
    program, dynamic provider): their environment carries it."""
    marker = f"PULUMI_HOME={home}".encode()
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in environ.split(b"\0") and state != "Z":
            command = cmdline.replace(b"\0", b" ")[:80].decode(errors="replace")
            found.append(f"{pid} {command}")
    return found


def _wait_until_gone(home: str, killed_at: float) -> tuple[float, list[str]]:
    while True:
        left = _processes_of(home)
        waited = time.monotonic() - killed_at
        if not left or waited > PROCESS_GRACE_SECONDS:
            return waited, left
        time.sleep(0.25)


def _unlock(ws: Workspace, backend: Path) -> str:
    """The README's recovery, first part (section "When `pulumi up` is interrupted"): cancel;
    if that fails and the kill left an empty ``.attrs`` file, delete it and cancel again.
    Returns what the cancels said when they failed (a kill before the lock is taken leaves
    nothing to cancel), for the failure message of a later step."""
    said = ""
    cancel = ws.run("cancel", "--yes", "--stack", ws.stack, check=False)
    if cancel.returncode != 0:
        said = cancel.stdout + cancel.stderr
        emptied = [a for a in backend.rglob("*.attrs") if a.stat().st_size == 0]
        for attrs in emptied:
            attrs.unlink()
        if emptied:
            again = ws.run("cancel", "--yes", "--stack", ws.stack, check=False)
            said += f"\n(deleted {len(emptied)} empty .attrs)\n" + again.stdout + again.stderr
    return said


def _recover(ws: Workspace, cancel_output: str) -> None:
    """The README's recovery, second part: drop the pending creates, then one `up`."""
    try:
        ws.refresh("--clear-pending-creates")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- what pulumi cancel said\n{cancel_output}") from None
    ws.up()


def _exotel_objects(settings: ExotelSettings) -> list[tuple[str, str, str]]:
    """Every object in the account as ``(kind, trunk_sid, natural key)`` plus its id."""
    objects: list[tuple[str, str, str]] = []
    with ExotelClient(settings) as client:
        for trunk in client.list_trunks():
            sid = trunk.trunk_sid
            objects.append(("trunk", sid, f"{trunk.trunk_name}#{sid}"))
            objects += [
                ("phone mapping", sid, f"{m.phone_number}#{m.id}")
                for m in client.list_phone_mappings(sid)
            ]
            objects += [("acl", sid, f"{e.ip}#{e.id}") for e in client.list_whitelisted_ips(sid)]
            objects += [
                ("destination", sid, f"{d.normalized}#{d.id}")
                for d in client.list_destination_uris(sid)
            ]
            objects += [
                ("credential", sid, f"{c.user_name}#{c.id}")
                for c in client.list_digest_credentials(sid)
            ]
    return objects


_KIND = {
    "Trunk": "trunk",
    "PhoneMapping": "phone mapping",
    "WhitelistedIp": "acl",
    "DestinationUri": "destination",
    "DigestCredential": "credential",
}


def _state_ids(ws: Workspace) -> set[tuple[str, str]]:
    """``(kind, Exotel id)`` of every resource in state."""
    ids = set()
    for res in ws.resources().values():
        kind = _KIND[res["type"].rsplit(":", 1)[1]]
        ids.add((kind, res["id"].rsplit("/", 1)[-1]))
    return ids


@pytest.fixture
def settings(emulator_server: EmulatorServer) -> ExotelSettings:
    return settings_for(emulator_server, rate_limit_per_minute=100_000, rate_limit_store="memory")


@pytest.mark.parametrize("seed", range(BASE_SEED, BASE_SEED + TRIALS))
def test_a_killed_up_recovers_to_exactly_the_intended_objects(
    seed: int,
    requests_per_up: int,
    emulator_server: EmulatorServer,
    emulator_control: httpx.Client,
    settings: ExotelSettings,
    tmp_path: Path,
) -> None:
    rng = random.Random(seed)
    after_requests = rng.randint(1, max(1, requests_per_up * 9 // 10))
    then_seconds = rng.uniform(0.0, REQUEST_LATENCY_MS / 1000 * 2)
    _reset(emulator_control)
    ws = _workspace(emulator_server, tmp_path)
    home = ws.env["PULUMI_HOME"]

    up = subprocess.Popen(
        ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive", "--stack", ws.stack],
        cwd=ws.root,
        env=ws.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the group
    )
    started = time.monotonic()
    while emulator_control.get("/stats").json()["total"] < after_requests:
        assert up.poll() is None, f"seed {seed}: up ended before request {after_requests}"
        time.sleep(0.01)
    time.sleep(then_seconds)
    os.killpg(up.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    trial = RESULTS[seed] = Trial(
        seed, after_requests, round(then_seconds, 3), round(killed_at - started, 2)
    )
    up.wait()
    trial.created_before_kill = len(_exotel_objects(settings))
    trial.processes_gone_after, left = _wait_until_gone(home, killed_at)
    assert not left, f"seed {seed}: still alive {PROCESS_GRACE_SECONDS}s after the kill: {left}"

    trial.cancel_output = _unlock(ws, Path(ws.env["PULUMI_BACKEND_URL"].removeprefix("file://")))
    after_kill = {(kind, key.rsplit("#", 1)[1]) for kind, _sid, key in _exotel_objects(settings)}
    trial.taken_over = len(after_kill - _state_ids(ws))
    _recover(ws, trial.cancel_output)

    objects = _exotel_objects(settings)
    in_exotel = {(kind, key.rsplit("#", 1)[1]) for kind, _sid, key in objects}
    in_state = _state_ids(ws)
    natural = Counter((kind, sid, key.rsplit("#", 1)[0]) for kind, sid, key in objects)
    trial.orphans = len(in_exotel - in_state)
    trial.missing = len(in_state - in_exotel)
    trial.duplicates = sum(n - 1 for n in natural.values() if n > 1)
    counts = Counter(kind for kind, _sid, _key in objects)
    assert (trial.orphans, trial.missing, trial.duplicates) == (0, 0, 0), (
        f"seed {seed} (kill at {trial.kill_at}s): orphans {sorted(in_exotel - in_state)}, "
        f"missing {sorted(in_state - in_exotel)}, duplicates {trial.duplicates}"
    )
    assert dict(counts) == INTENDED, f"seed {seed}: {dict(counts)}"
    assert len(in_state) == sum(INTENDED.values())
    trial.ok = True


def test_crash_trials_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints every trial (run after the trials, in file order)."""
    if not RESULTS:
        pytest.skip("run together with the crash trials")
    lines = [
        f"crash test: {len(RESULTS)} trials, seeds {min(RESULTS)}-{max(RESULTS)}, "
        f"{sum(INTENDED.values())} objects per stack, SIGKILL of the CLI's process group",
        "seed  killed_after_request  +s     at_s  objects_after_kill  taken_over  procs_gone_s"
        "  orphans  duplicates  ok",
    ]
    for trial in RESULTS.values():
        lines.append(
            f"{trial.seed}  {trial.after_requests:20d}  {trial.then_seconds:.3f}  "
            f"{trial.kill_at:6.2f}  {trial.created_before_kill:18d}  "
            f"{trial.taken_over:10d}  "
            f"{trial.processes_gone_after:12.2f}  {trial.orphans:7d}  {trial.duplicates:10d}  "
            f"{'yes' if trial.ok else 'NO'}"
        )
    passed = sum(t.ok for t in RESULTS.values())
    lines.append(
        f"{passed}/{len(RESULTS)} ended with exactly the intended objects; "
        f"{sum(t.taken_over for t in RESULTS.values())} objects taken over; orphans "
        f"{sum(t.orphans for t in RESULTS.values())}, duplicates "
        f"{sum(t.duplicates for t in RESULTS.values())}"
    )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert passed == len(RESULTS)
