"""A Kamailio edge on loopback and the credential store it reads, one of each per test module
that asks for them (a module may define its own ``edge`` instead)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_exotel.edge import KamailioEdge, SubscriberStore
from tests.tools import require_kamailio


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SubscriberStore]:
    require_kamailio()
    with SubscriberStore(tmp_path_factory.mktemp("db") / "subscribers.sqlite") as subscribers:
        yield subscribers


@pytest.fixture(scope="module")
def edge(
    store: SubscriberStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KamailioEdge]:
    with KamailioEdge(tmp_path_factory.mktemp("edge"), store.db_path) as running:
        yield running
