"""Fixtures for the platform-side resources' provider tests (real servers or twins)."""

from tests.livekit_server import livekit, livekit_server  # noqa: F401 (fixtures)
