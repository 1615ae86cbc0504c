"""NaturalKeyIndex: one listing per scope however many threads create at once, and claims that
tell this process's own objects from others'."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_exotel.resources.natural_keys import NaturalKeyIndex, Taken

pytestmark = pytest.mark.unit


def test_concurrent_claims_on_one_trunk_list_it_once() -> None:
    index = NaturalKeyIndex()
    listings = 0
    lock = threading.Lock()

    def load() -> dict[str, str]:
        nonlocal listings
        with lock:
            listings += 1
        time.sleep(0.05)  # a slow listing, so the other threads arrive while it runs
        return {"existing": "7"}

    with ThreadPoolExecutor(max_workers=4) as pool:
        claims = list(pool.map(lambda n: index.claim("trunk", f"key{n}", load), range(16)))
    assert claims == [None] * 16
    assert listings == 1
    assert index.claim("trunk", "existing", load) == Taken("7", made_here=False)


def test_a_key_claimed_here_is_reported_as_this_processes_until_forgotten() -> None:
    index = NaturalKeyIndex()
    assert index.claim("trunk", "a", dict) is None
    assert index.claim("trunk", "a", dict) == Taken(None, made_here=True)  # still posting
    index.settle("trunk", "a", "41")
    assert index.claim("trunk", "a", dict) == Taken("41", made_here=True)
    index.discard("trunk", "41")  # deleted by this process
    assert index.claim("trunk", "a", dict) is None
    index.forget("trunk", "a")  # that create failed
    assert index.adopt("trunk", "a", "42", dict) is None
    assert index.adopt("trunk", "a", "42", dict) == Taken("42", made_here=True)
