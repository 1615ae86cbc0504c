"""A DigestCredential whose outputs feed a stand-in platform resource.

`PlatformStandIn` plays the part of the resource that configures LiveKit/Retell: it writes the
credential it was given to a file (atomically), which the test's SIP loop reads before every
REGISTER. It is defined here, so Pulumi pickles it by value into this test stack only.
"""

import json
import os
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

import pulumi_exotel as exotel


def _write(path: str, user_name: str, password: str) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as handle:
        json.dump({"user_name": user_name, "password": password}, handle)
    os.replace(tmp, path)


class PlatformProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        _write(props["path"], props["user_name"], props["password"])
        return CreateResult("platform", dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        keys = ("path", "user_name", "password")
        return DiffResult(changes=any(olds.get(k) != news.get(k) for k in keys))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _write(news["path"], news["user_name"], news["password"])
        return UpdateResult(dict(news))


class PlatformStandIn(Resource):
    def __init__(self, name: str, path: str, user_name: Any, password: Any) -> None:
        super().__init__(
            PlatformProvider(),
            name,
            {"path": path, "user_name": user_name, "password": password},
            pulumi.ResourceOptions(additional_secret_outputs=["password"]),
        )


t = pulumi.Config("t")
trunk = exotel.Trunk("trunk", trunk_name="rotation_trunk")
cred = exotel.DigestCredential(
    "agent",
    trunk_sid=trunk.trunk_sid,
    user_name_prefix="agent",
    keepers={"rotation": t.get("keepers") or "1"},
)
PlatformStandIn("platform", t.require("platformFile"), cred.user_name, cred.password)
pulumi.export("sip_username", cred.user_name)
pulumi.export("sip_realm", trunk.sip_realm)
