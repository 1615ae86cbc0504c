"""The loop every rotation proof runs: REGISTER at the local SIP edge, again and again, with
whatever credential the platform holds right now, while one `pulumi up` rotates the Exotel
credential; then count what was tried and what was rejected."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from tests.engine.harness import Workspace

Outcomes = Counter[tuple[str, str]]


def registers_while_rotating(
    ws: Workspace, rotate: dict[str, str], register: Callable[[], tuple[str, str]]
) -> Outcomes:
    """Call ``register()`` (a REGISTER with what the platform holds right now, answering
    ``(user, outcome)``) every ~20 ms while ``ws`` takes the ``rotate`` config and runs one
    `pulumi up`; how often each ``(user, outcome)`` came back."""
    outcomes: Outcomes = Counter()
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            outcomes[register()] += 1
            stop.wait(0.02)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)
        ws.config(rotate)
        ws.up()
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join(timeout=15)
    return outcomes


def tried_and_rejected(name: str, outcomes: Outcomes) -> tuple[int, int]:
    """How many REGISTERs were tried and how many rejected; printed for the test log."""
    tried = sum(outcomes.values())
    rejected = sum(n for (_, outcome), n in outcomes.items() if outcome != "accepted")
    print(
        f"\n{name} rotation: {tried} REGISTERs tried during `pulumi up`, {rejected} rejected "
        f"({dict(outcomes)})"
    )
    return tried, rejected
