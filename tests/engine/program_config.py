"""What the engine test programs (``tests/engine/programs/*``) share: the digest credential every
one of them declares, named the way its ``t:*`` config says. ``Workspace.create`` puts the
repository on those programs' ``PYTHONPATH``, so they import this module; the examples never do,
because users copy them as they are."""

from __future__ import annotations

from typing import Any

import pulumi

import pulumi_exotel as exotel


def digest_credential(
    t: pulumi.Config, trunk: exotel.Trunk, prefix: str, **more: Any
) -> exotel.DigestCredential:
    """The credential ``cred`` on ``trunk``, rotated by ``t:keepers``. It has the fixed name
    ``t:credUser`` with the secret ``t:credPassword`` when ``t:credUser`` is set, else a name
    generated from ``prefix``. ``more`` are further ``DigestCredential`` arguments."""
    if t.get("credUser"):
        names: dict[str, Any] = {
            "user_name": t.require("credUser"),
            "password": t.require_secret("credPassword"),
        }
    else:
        names = {"user_name_prefix": prefix}
    return exotel.DigestCredential(
        "cred",
        trunk_sid=trunk.trunk_sid,
        keepers={"rotation": t.get("keepers") or "1"},
        **names,
        **more,
    )
