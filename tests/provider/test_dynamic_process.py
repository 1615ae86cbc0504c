"""The providers inside Pulumi's real dynamic-provider process (``python -m pulumi.dynamic``),
spoken to over gRPC the way the engine does: the pickled provider arrives as a string,
``Configure`` carries the stack config, numbers travel as floats. No Pulumi CLI needed."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.resources.trunk import TrunkProvider
from tests.provider.conftest import stack_config

pytestmark = pytest.mark.provider

URN = "urn:pulumi:test::exotel::pulumi-python:dynamic/exotel:Trunk::voice-ai"


def struct(props: dict[str, Any]) -> struct_pb2.Struct:
    # A private loop, as the SDK does: asyncio.run would unset the thread's current loop.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def plain(props: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = rpc.deserialize_properties(props)
    return result


@pytest.fixture
def dynamic_provider() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.dynamic"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield provider_pb2_grpc.ResourceProviderStub(channel)
    finally:
        process.kill()
        process.wait()


def test_a_trunk_lives_its_whole_life_in_the_provider_process(
    dynamic_provider: provider_pb2_grpc.ResourceProviderStub,
    emulator_settings: ExotelSettings,
) -> None:
    stub = dynamic_provider
    stub.Configure(provider_pb2.ConfigureRequest(args=struct(stack_config(emulator_settings))))
    provider = serialize_provider(TrunkProvider())
    news = struct(
        {
            "trunk_name": "voice_ai",
            "caller_id": "+918047091234",
            "adopt": False,
            "__provider": provider,
        }
    )

    checked = stub.Check(provider_pb2.CheckRequest(urn=URN, olds=struct({}), news=news))
    assert list(checked.failures) == []
    created = stub.Create(provider_pb2.CreateRequest(urn=URN, properties=checked.inputs))
    outs = plain(created.properties)
    assert outs["trunk_sid"] == created.id
    assert outs["edge_tls"] == "edge.example.test:443"
    assert ExotelClient(emulator_settings).get_trunk(created.id).trunk_name == "voice_ai"

    read = stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=URN, properties=created.properties)
    )
    assert read.id == created.id
    assert plain(read.properties) == outs
    assert plain(read.inputs)["trunk_name"] == "voice_ai"

    diff = stub.Diff(
        provider_pb2.DiffRequest(
            id=created.id, urn=URN, olds=created.properties, news=checked.inputs
        )
    )
    assert diff.changes == provider_pb2.DiffResponse.DIFF_NONE

    bad = stub.Check(
        provider_pb2.CheckRequest(
            urn=URN,
            olds=struct({}),
            news=struct({"trunk_name": "voice-ai", "__provider": provider}),
        )
    )
    assert [f.property for f in bad.failures] == ["trunk_name"]

    stub.Delete(provider_pb2.DeleteRequest(id=created.id, urn=URN, properties=created.properties))
    gone = stub.Read(
        provider_pb2.ReadRequest(id=created.id, urn=URN, properties=created.properties)
    )
    assert gone.id == ""
