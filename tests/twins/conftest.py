"""Each test module here runs one twin as its ``server`` fixture (``tests.twin_fixtures``); a
test gets it emptied as ``twin``."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def twin(server: Any) -> Any:
    server.reset()
    return server
