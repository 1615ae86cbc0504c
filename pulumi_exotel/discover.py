"""``pulumi-exotel discover``: read an Exotel account and write a Pulumi program that adopts it.

Pulumi's own ``import`` does not work for Python dynamic resources, and ``adopt=True`` needs a
program written first. Discover writes that program: one ``Trunk`` per trunk with its phone
mappings, digest credentials, ACL entries, destinations and caller id, every resource with
``adopt=True``, children wired to their trunk (``trunk_sid=trunk.trunk_sid``) and, by default,
``protect=True`` so a later ``pulumi destroy`` cannot wipe objects that were made by hand.

Reading costs one trunk listing (paged) and, per trunk, one listing per child kind plus one of
its settings; pagination, the rate budget and retries are the client's, as everywhere else.

Exotel never returns a credential's password. The program reads each one from a secret config
key it names and stops ``pulumi preview`` with the exact ``pulumi config set --secret`` line
when the key is unset. Adopted credentials use ``password_on_adopt="trust"``: adoption leaves
the password at Exotel as it is (no rotation), and the configured value is taken to be it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.client.models import (
    DestinationUri,
    DigestCredential,
    PhoneMapping,
    Trunk,
    WhitelistedIp,
)

__all__ = [
    "AccountInventory",
    "TrunkInventory",
    "password_config_key",
    "read_inventory",
    "render_program",
    "render_project_files",
]

CALLER_ID_SETTING = "trunk_external_alias"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrunkInventory:
    """One trunk and everything under it, as Exotel has it."""

    trunk: Trunk
    caller_id: str | None
    phone_mappings: list[PhoneMapping] = field(default_factory=list)
    digest_credentials: list[DigestCredential] = field(default_factory=list)
    whitelisted_ips: list[WhitelistedIp] = field(default_factory=list)
    destination_uris: list[DestinationUri] = field(default_factory=list)

    @property
    def child_count(self) -> int:
        return (
            len(self.phone_mappings)
            + len(self.digest_credentials)
            + len(self.whitelisted_ips)
            + len(self.destination_uris)
        )


@dataclass(frozen=True)
class AccountInventory:
    """What discover found in one account."""

    account_sid: str
    trunks: list[TrunkInventory]

    def as_json(self) -> dict[str, Any]:
        """The inventory for review and diffing (``--format json``); Exotel holds no passwords
        to put here, and none are."""
        return {
            "account_sid": self.account_sid,
            "trunks": [
                {
                    "trunk": t.trunk.model_dump(exclude_none=True),
                    "caller_id": t.caller_id,
                    "phone_mappings": [m.model_dump(exclude_none=True) for m in t.phone_mappings],
                    "digest_credentials": [
                        c.model_dump(exclude_none=True) for c in t.digest_credentials
                    ],
                    "whitelisted_ips": [i.model_dump(exclude_none=True) for i in t.whitelisted_ips],
                    "destination_uris": [
                        d.model_dump(exclude_none=True) for d in t.destination_uris
                    ],
                }
                for t in self.trunks
            ],
        }


def read_inventory(
    client: ExotelClient, *, trunk_sid: str | None = None, progress: Progress | None = None
) -> AccountInventory:
    """Read every trunk (or the one ``trunk_sid``) and its children from the account."""
    say = progress or (lambda _line: None)
    trunks = [client.get_trunk(trunk_sid)] if trunk_sid else client.list_trunks()
    say(f"discover: {len(trunks)} trunk(s) in account {client.settings.account_sid}")
    found: list[TrunkInventory] = []
    for number, trunk in enumerate(sorted(trunks, key=lambda t: t.trunk_name), start=1):
        sid = trunk.trunk_sid
        settings = client.list_trunk_settings(sid)
        caller_id = next((s.value for s in settings if s.name == CALLER_ID_SETTING), None)
        inventory = TrunkInventory(
            trunk=trunk,
            caller_id=caller_id,
            phone_mappings=client.list_phone_mappings(sid),
            digest_credentials=client.list_digest_credentials(sid),
            whitelisted_ips=client.list_whitelisted_ips(sid),
            destination_uris=client.list_destination_uris(sid),
        )
        say(
            f"discover: [{number}/{len(trunks)}] {trunk.trunk_name} ({sid}): "
            f"{inventory.child_count} object(s)"
        )
        found.append(inventory)
    return AccountInventory(account_sid=client.settings.account_sid, trunks=found)


# --- names -----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    """Lower-case letters, digits and single dashes: a readable Pulumi resource name part."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")


def _identifier(text: str) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    return name if name and not name[0].isdigit() else f"t_{name}"


def _destination_slug(destination: str) -> str:
    text = destination[4:] if destination.lower().startswith("sip:") else destination
    return _slug(text.replace(";transport=", "-"))


def password_config_key(trunk_name: str, user_name: str) -> str:
    """The secret config key (in the generated project's namespace) holding one password."""
    return f"password-{_slug(trunk_name)}-{_slug(user_name)}"


class _Names:
    """Unique resource names within one program (natural keys can collide once slugged)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __call__(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self._taken:
            name, n = f"{wanted}-{n}", n + 1
        self._taken.add(name)
        return name


# --- the program -----------------------------------------------------------------------------


_HEADER = '''"""Exotel account {account_sid}, adopted by `pulumi-exotel discover`.

Every resource takes over the existing object (adopt=True){protect_note}. Digest
credential passwords are not readable from Exotel: each comes from a secret config key;
set them with the commands in README.md before the first `pulumi preview`.
"""

import pulumi

import pulumi_exotel as exotel

config = pulumi.Config()


def password(key: str, user_name: str) -> pulumi.Output[str]:
    """A credential's current password from secret config; stops preview when unset."""
    value = config.get_secret(key)
    if value is None:
        raise pulumi.RunError(
            f"The password of SIP user {{user_name!r}} is not set. Exotel never returns "
            f"passwords, so give the current one (it is not changed): "
            f"pulumi config set --secret {{key}}"
        )
    return value
'''


def _options(protect: bool, depends: str | None = None) -> str:
    parts = []
    if protect:
        parts.append("protect=True")
    if depends:
        parts.append(f"depends_on=[{depends}]")
    return f"    opts=pulumi.ResourceOptions({', '.join(parts)}),\n" if parts else ""


def _call(var: str, cls: str, name: str, args: list[tuple[str, str]], opts: str) -> str:
    lines = [f"{var} = exotel.{cls}(\n", f"    {json.dumps(name)},\n"]
    lines += [f"    {key}={value},\n" for key, value in args]
    lines += ["    adopt=True,\n", opts, ")\n"]
    return "".join(lines)


def render_program(inventory: AccountInventory, *, protect: bool = True) -> str:
    """The ``__main__.py`` of a project that adopts everything in ``inventory``."""
    names = _Names()
    protect_note = " and is protected from `pulumi destroy`" if protect else ""
    out = [_HEADER.format(account_sid=inventory.account_sid, protect_note=protect_note)]
    for t in inventory.trunks:
        trunk = t.trunk
        trunk_slug = _slug(trunk.trunk_name)
        var = names(_identifier(trunk.trunk_name))
        out.append(f"\n# --- trunk {trunk.trunk_name} ({trunk.trunk_sid})\n")
        args = [("trunk_name", json.dumps(trunk.trunk_name))]
        if trunk.nso_code:
            args.append(("nso_code", json.dumps(trunk.nso_code)))
        if trunk.domain_name:
            args.append(("domain_name", json.dumps(trunk.domain_name)))
        if t.caller_id:
            args.append(("caller_id", json.dumps(t.caller_id)))
        out.append(_call(var, "Trunk", names(trunk_slug), args, _options(protect)))
        sid = ("trunk_sid", f"{var}.trunk_sid")
        acl_vars: dict[str, str] = {}
        for ip in sorted(t.whitelisted_ips, key=lambda i: i.ip):
            name = names(f"{trunk_slug}-acl-{_slug(ip.ip)}")
            acl_var = acl_vars[ip.ip] = _identifier(name)
            ip_args = [sid, ("ip", json.dumps(ip.ip)), ("mask", str(ip.mask))]
            out.append(_call(acl_var, "WhitelistedIp", name, ip_args, _options(protect)))
        for mapping in sorted(t.phone_mappings, key=lambda m: m.phone_number):
            name = names(f"{trunk_slug}-did-{_slug(mapping.phone_number)}")
            m_args = [
                sid,
                ("phone_number", json.dumps(mapping.phone_number)),
                ("mode", json.dumps(mapping.mode)),
            ]
            out.append(_call(_identifier(name), "PhoneMapping", name, m_args, _options(protect)))
        for cred in sorted(t.digest_credentials, key=lambda c: c.user_name):
            name = names(f"{trunk_slug}-cred-{_slug(cred.user_name)}")
            key = password_config_key(trunk.trunk_name, cred.user_name)
            c_args = [
                sid,
                ("user_name", json.dumps(cred.user_name)),
                ("password", f"password({json.dumps(key)}, {json.dumps(cred.user_name)})"),
                ("sip_realm", f"{var}.sip_realm"),
            ]
            if cred.friendly_name:
                c_args.append(("friendly_name", json.dumps(cred.friendly_name)))
            c_args.append(("password_on_adopt", json.dumps("trust")))
            out.append(
                _call(_identifier(name), "DigestCredential", name, c_args, _options(protect))
            )
        for dest in sorted(t.destination_uris, key=lambda d: (d.priority, d.normalized)):
            name = names(f"{trunk_slug}-dest-{_destination_slug(dest.destination)}")
            d_args = [
                sid,
                ("destination", json.dumps(dest.normalized)),
                ("priority", str(dest.priority)),
                ("weight", str(dest.weight)),
            ]
            host = dest.normalized.split(":", 1)[0]
            acl = acl_vars.get(host)
            out.append(
                _call(_identifier(name), "DestinationUri", name, d_args, _options(protect, acl))
            )
        out.append(f'pulumi.export("{var}_trunk_sid", {var}.trunk_sid)\n')
    return "".join(out)


def secret_commands(inventory: AccountInventory) -> list[str]:
    """One ``pulumi config set --secret`` line per credential (prompts for the value)."""
    return [
        f"pulumi config set --secret {password_config_key(t.trunk.trunk_name, c.user_name)}"
        f"   # current password of SIP user {c.user_name} on trunk {t.trunk.trunk_name}"
        for t in inventory.trunks
        for c in sorted(t.digest_credentials, key=lambda c: c.user_name)
    ]


def render_project_files(
    inventory: AccountInventory, *, project: str, protect: bool = True
) -> dict[str, str]:
    """``__main__.py``, ``Pulumi.yaml`` and ``README.md`` of the generated project."""
    commands = secret_commands(inventory) or ["# (no digest credentials: nothing to set)"]
    objects = sum(1 + t.child_count for t in inventory.trunks)
    protect_text = (
        "Every resource is protected: `pulumi destroy` refuses until you run "
        "`pulumi state unprotect --all` (do that only for objects you mean to delete)."
        if protect
        else "Resources are not protected: `pulumi destroy` deletes the objects in Exotel."
    )
    readme = f"""# {project}

Generated by `pulumi-exotel discover` from Exotel account {inventory.account_sid}:
{len(inventory.trunks)} trunk(s), {objects} object(s) in all, each adopted as it is (`adopt=True`).

## First run

1. Set the Exotel settings on the stack (the keys the provider reads): `exotel:accountSid`,
   `exotel:apiKey` and, with `pulumi config set --secret`, `exotel:apiToken`.
2. Give each digest credential's current password (Exotel never returns passwords; the value
   is not changed at Exotel, only recorded as a secret in state):

```
{chr(10).join(commands)}
```

3. `pulumi up`: takes over every object without creating or deleting any.
4. `pulumi preview --expect-no-changes` should now pass.

{protect_text}
"""
    pulumi_yaml = (
        f"name: {project}\n"
        "description: Exotel account adopted by pulumi-exotel discover\n"
        "runtime:\n  name: python\n"
    )
    return {
        "__main__.py": render_program(inventory, protect=protect),
        "Pulumi.yaml": pulumi_yaml,
        "README.md": readme,
    }
