"""The process-wide limiter: rolling-window rate, in-flight cap, sharing per account."""

from __future__ import annotations

import threading
import time

import pytest

from pulumi_exotel.client.limits import RequestLimiter

pytestmark = pytest.mark.unit


def test_callers_block_until_the_rolling_window_has_room() -> None:
    limiter = RequestLimiter(5, 50, period_seconds=0.5, margin_seconds=0.0)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            with limiter.slot(), lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)

    stamps.sort()
    assert len(stamps) == 12  # nobody failed: all callers got through by waiting
    for i, start in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s - start < 0.5]
        assert len(in_window) <= 5
    assert stamps[-1] - stamps[0] >= 1.0  # 12 requests at 5 per 0.5 s need two waits


def test_in_flight_requests_never_exceed_max_concurrency() -> None:
    limiter = RequestLimiter(10_000, 2)
    peak = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal peak
        with limiter.slot():
            with lock:
                peak = max(peak, limiter.in_flight)
            time.sleep(0.05)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)

    assert peak == 2
    assert limiter.in_flight == 0


def test_one_limiter_per_base_url_and_account() -> None:
    a = RequestLimiter.shared("https://limits.test/v2/accounts/one", 200, 50)
    b = RequestLimiter.shared("https://limits.test/v2/accounts/one", 200, 50)
    c = RequestLimiter.shared("https://limits.test/v2/accounts/two", 200, 50)

    assert a is b
    assert a is not c


def test_a_client_configured_with_other_limits_does_not_change_the_shared_one() -> None:
    key = "https://limits.test/v2/accounts/budget"
    default = RequestLimiter.shared(key, 200, 50)
    other = RequestLimiter.shared(key, 100, 10)

    assert other is not default
    assert (default.per_minute, default.max_concurrency) == (200, 50)
    assert (other.per_minute, other.max_concurrency) == (100, 10)


def test_a_slot_is_released_when_the_request_raises() -> None:
    limiter = RequestLimiter(10_000, 1)

    with pytest.raises(RuntimeError), limiter.slot():
        raise RuntimeError("request failed")

    assert limiter.in_flight == 0
