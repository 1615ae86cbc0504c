"""The emulated Exotel endpoints (REF, DEV for the rest): HTTP in, ``Backend`` call, envelope out.

Each ``Route`` also declares its query parameters, its request body (as the ``GoStruct`` the
body is decoded with) and its reply kind, so ``openapi`` documents exactly what is served.
Authentication, rate limiting, faults and stats are not here: ``app`` wraps every route.

Paging (undocumented limits, decided here): ``offset`` and ``page_size`` must be digit
strings (else 400/1002); ``page_size`` 0 or absent means 50, above 100 means 100. Deletes
name the object in the query (``?id=``, ``?trunk_sid=``, ``?name=``); without it: 1001.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pulumi_exotel.emulator.backend import Backend, JsonObject, Page
from pulumi_exotel.emulator.errors import ExotelFault, invalid, mandatory
from pulumi_exotel.emulator.wire import (
    GoField,
    GoStruct,
    batch_envelope,
    decode_body,
    list_envelope,
    page_metadata,
    read_body,
    single_envelope,
)

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "ROUTES", "Call", "QueryParam", "Route"]

DEFAULT_PAGE_SIZE = 50
#: Exotel says only that the maximum is "enforced by the server"; larger values are clamped.
MAX_PAGE_SIZE = 100

ACCOUNT = "/v2/accounts/{account_sid}"
TRUNKS = ACCOUNT + "/trunks"
TRUNK = TRUNKS + "/{trunk_sid}"


class Call:
    """One authenticated API request as the handlers see it."""

    def __init__(self, request: Request, backend: Backend, params: dict[str, str]) -> None:
        self.request = request
        self.backend = backend
        self.params = params
        self.method = request.method

    @property
    def account_sid(self) -> str:
        return self.params["account_sid"]

    @property
    def trunk_sid(self) -> str:
        return self.params["trunk_sid"]

    @property
    def child_id(self) -> str:
        return self.params["id"]

    @property
    def path_ids(self) -> tuple[str, ...]:
        """The ids in the path, outermost first: account, then trunk, then child if present."""
        return tuple(self.params.values())

    def query(self, name: str) -> str | None:
        return self.request.query_params.get(name)

    def required_query(self, name: str, description: str) -> str:
        value = self.query(name)
        if not value:
            raise mandatory(description)
        return value

    def paging(self) -> tuple[int, int]:
        """``(offset, page_size)``; 0 or absent page_size means the default, over 100 is 100."""
        offset = self._non_negative("offset", 0)
        page_size = self._non_negative("page_size", DEFAULT_PAGE_SIZE) or DEFAULT_PAGE_SIZE
        return offset, min(page_size, MAX_PAGE_SIZE)

    def _non_negative(self, name: str, default: int) -> int:
        raw = self.query(name)
        if raw is None:
            return default
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise invalid(f"{name} should be a non-negative integer")
        return int(raw)

    async def body(self, struct: GoStruct) -> dict[str, Any]:
        """The decoded JSON body; 415/1011 unless the Content-Type is JSON, 1007 if undecodable."""
        content_type = self.request.headers.get("content-type", "")
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            raise ExotelFault(415, 1011, "unsupported content type", content_type)
        return decode_body(await read_body(self.request), struct)

    def single(self, data: JsonObject) -> Response:
        return JSONResponse(single_envelope(self.method, data))

    def listing(
        self,
        page: Page,
        offset: int,
        page_size: int,
        *,
        filters: dict[str, str] | None = None,
        credentials_style: bool = False,
    ) -> Response:
        metadata = page_metadata(
            self.request.url.path,
            offset=offset,
            page_size=page_size,
            total=page.total,
            filters=filters,
            credentials_style=credentials_style,
        )
        return JSONResponse(list_envelope(self.method, page.items, metadata))

    def batch(self, results: list[JsonObject | ExotelFault]) -> Response:
        status, body = batch_envelope(self.method, results)
        return JSONResponse(body, status_code=status)


Handler = Callable[[Call], Awaitable[Response]]
Reply = Literal["single", "list", "batch"]


@dataclass(frozen=True)
class QueryParam:
    name: str
    kind: Literal["integer", "string"]
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Route:
    """One endpoint: where it is, what it takes, what it answers (``data`` names a schema)."""

    method: str
    template: str
    handler: Handler
    summary: str
    reply: Reply
    data: str
    body: GoStruct | None = None
    query: tuple[QueryParam, ...] = ()

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        return re.compile(f"^{regex}$")

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return None if found is None else found.groupdict()


# -- request bodies, named after Exotel's Go structs ---------------------------------------


def _strings(*names: str) -> tuple[GoField, ...]:
    return tuple(GoField(name, "string") for name in names)


CREATE_TRUNK = GoStruct("CreateTrunkRequest", _strings("trunk_name", "nso_code", "domain_name"))
UPDATE_TRUNK = GoStruct("UpdateTrunkRequest", _strings("trunk_name", "auth_type", "nso_code"))
CREATE_MAPPING = GoStruct("CreateDidTrunkMappingRequest", _strings("phone_number", "mode"))
UPDATE_MAPPING = GoStruct("UpdateDidTrunkMappingRequest", _strings("phone_number", "mode"))
CREATE_ACL = GoStruct(
    "CreateWhitelistipsRequest", (GoField("ip", "string"), GoField("mask", "uint8"))
)
UPDATE_ACL = GoStruct(
    "UpdateWhitelistipsRequest", (GoField("ip", "string"), GoField("mask", "uint8"))
)
DESTINATION = GoStruct("Destination", _strings("destination"))
CREATE_DESTINATIONS = GoStruct(
    "CreateDestinationUrisRequest", (GoField("destinations", "array", DESTINATION),)
)
UPDATE_DESTINATION = GoStruct(
    "UpdateDestinationUriRequest", (GoField("priority", "uint16"), GoField("weight", "uint16"))
)
CREATE_CREDENTIAL = GoStruct(
    "CreateCredentialRequest", _strings("user_name", "password", "friendly_name")
)
UPDATE_CREDENTIAL = GoStruct(
    "UpdateCredentialRequest", _strings("user_name", "password", "friendly_name")
)
SETTING = GoStruct("Setting", _strings("name", "value"))
CREATE_SETTINGS = GoStruct("CreateSettingsRequest", (GoField("settings", "array", SETTING),))

PAGING = (
    QueryParam("offset", "integer", description="rows to skip (default 0)"),
    QueryParam("page_size", "integer", description="rows per page (default 50, at most 100)"),
)


# -- handlers ------------------------------------------------------------------------------


async def list_trunks(call: Call) -> Response:
    offset, page_size = call.paging()
    trunk_sid = call.query("trunk_sid")
    page = call.backend.list_trunks(
        call.account_sid, offset=offset, page_size=page_size, trunk_sid=trunk_sid
    )
    filters = {"trunk_sid": trunk_sid} if trunk_sid is not None else None
    return call.listing(page, offset, page_size, filters=filters)


async def get_trunk(call: Call) -> Response:
    return call.single(call.backend.get_trunk(call.account_sid, call.trunk_sid))


async def delete_trunk(call: Call) -> Response:
    trunk_sid = call.required_query("trunk_sid", "TrunkSid is mandatory")
    return call.single(call.backend.delete_trunk(call.account_sid, trunk_sid))


async def list_trunk_maps(call: Call) -> Response:
    offset, page_size = call.paging()
    exophone = call.query("exophone")
    trunk_sid = call.query("trunk_sid")
    page = call.backend.list_trunk_maps(
        call.account_sid,
        exophone=exophone,
        trunk_sid=trunk_sid,
        offset=offset,
        page_size=page_size,
    )
    filters = {"exophone": exophone or ""}
    if trunk_sid is not None:
        filters["trunk_sid"] = trunk_sid
    return call.listing(page, offset, page_size, filters=filters)


async def create_destination_uris(call: Call) -> Response:
    body = await call.body(CREATE_DESTINATIONS)
    items: list[dict[str, Any]] = body.get("destinations") or []
    if not items:
        raise mandatory("Destinations is mandatory")
    results = call.backend.create_destination_uris(
        call.account_sid, call.trunk_sid, [item.get("destination") for item in items]
    )
    return call.batch(results)


async def list_digest_credentials(call: Call) -> Response:
    offset, page_size = call.paging()
    credential_id = call.query("id")
    page = call.backend.list_digest_credentials(
        call.account_sid,
        call.trunk_sid,
        offset=offset,
        page_size=page_size,
        credential_id=credential_id,
    )
    filters = {"id": credential_id} if credential_id is not None else None
    return call.listing(page, offset, page_size, filters=filters, credentials_style=True)


async def set_trunk_settings(call: Call) -> Response:
    body = await call.body(CREATE_SETTINGS)
    items: list[dict[str, Any]] = body.get("settings") or []
    if not items:
        raise mandatory("Settings is mandatory")
    results = call.backend.set_trunk_settings(
        call.account_sid, call.trunk_sid, [(item.get("name"), item.get("value")) for item in items]
    )
    return call.batch(results)


def _writer(write: Callable[..., JsonObject], struct: GoStruct) -> Handler:
    """POST or PUT of one object: ``write(backend, *path ids, **fields)``, where ``write`` is the
    unbound ``Backend`` method and the fields are those of ``struct`` (None when absent)."""

    async def handler(call: Call) -> Response:
        body = await call.body(struct)
        fields = {field.name: body.get(field.name) for field in struct.fields}
        return call.single(write(call.backend, *call.path_ids, **fields))

    handler.__name__ = write.__name__
    return handler


def _children_lister(list_page: Callable[..., Page]) -> Handler:
    """GET of a trunk's children: ``list_page(backend, account_sid, trunk_sid, offset=,
    page_size=)`` is the unbound ``Backend`` method."""

    async def handler(call: Call) -> Response:
        offset, page_size = call.paging()
        page = list_page(
            call.backend, call.account_sid, call.trunk_sid, offset=offset, page_size=page_size
        )
        return call.listing(page, offset, page_size)

    handler.__name__ = list_page.__name__
    return handler


def _child_deleter(
    delete: Callable[[Backend, str, str, str], JsonObject], key: str = "id"
) -> Handler:
    """DELETE of one child, named by the query parameter ``key`` (Exotel puts it in the query)."""

    async def handler(call: Call) -> Response:
        value = call.required_query(key, f"{key.capitalize()} is mandatory")
        return call.single(delete(call.backend, call.account_sid, call.trunk_sid, value))

    handler.__name__ = delete.__name__
    return handler


# Each writer reads exactly the fields of its request struct above.
create_trunk = _writer(Backend.create_trunk, CREATE_TRUNK)
update_trunk = _writer(Backend.update_trunk, UPDATE_TRUNK)
create_phone_mapping = _writer(Backend.create_phone_mapping, CREATE_MAPPING)
update_phone_mapping = _writer(Backend.update_phone_mapping, UPDATE_MAPPING)
create_whitelisted_ip = _writer(Backend.create_whitelisted_ip, CREATE_ACL)
update_whitelisted_ip = _writer(Backend.update_whitelisted_ip, UPDATE_ACL)
update_destination_uri = _writer(Backend.update_destination_uri, UPDATE_DESTINATION)
create_digest_credential = _writer(Backend.create_digest_credential, CREATE_CREDENTIAL)
update_digest_credential = _writer(Backend.update_digest_credential, UPDATE_CREDENTIAL)
list_phone_mappings = _children_lister(Backend.list_phone_mappings)
delete_phone_mapping = _child_deleter(Backend.delete_phone_mapping)
list_whitelisted_ips = _children_lister(Backend.list_whitelisted_ips)
delete_whitelisted_ip = _child_deleter(Backend.delete_whitelisted_ip)
list_destination_uris = _children_lister(Backend.list_destination_uris)
delete_destination_uri = _child_deleter(Backend.delete_destination_uri)
delete_digest_credential = _child_deleter(Backend.delete_digest_credential)
list_trunk_settings = _children_lister(Backend.list_trunk_settings)
delete_trunk_setting = _child_deleter(Backend.delete_trunk_setting, key="name")


def _route(
    method: str,
    template: str,
    handler: Handler,
    summary: str,
    *,
    reply: Reply,
    data: str,
    body: GoStruct | None = None,
    query: tuple[QueryParam, ...] = (),
) -> Route:
    return Route(method, template, handler, summary, reply, data, body, query)


def _id_query(what: str) -> tuple[QueryParam, ...]:
    return (QueryParam("id", "string", required=True, description=f"the {what} id"),)


MAPPINGS = TRUNK + "/phone-numbers"
ACLS = TRUNK + "/whitelisted-ips"
DESTINATIONS = TRUNK + "/destination-uris"
CREDENTIALS = TRUNK + "/credentials"
SETTINGS = TRUNK + "/settings"
_ONLY_TRUNK = QueryParam("trunk_sid", "string", description="only this trunk")

# fmt: off
ROUTES: tuple[Route, ...] = (
    _route("POST", TRUNKS, create_trunk, "Create a trunk",
           reply="single", data="Trunk", body=CREATE_TRUNK),
    _route("GET", TRUNKS, list_trunks, "List trunks",
           reply="list", data="Trunk", query=(*PAGING, _ONLY_TRUNK)),
    _route("GET", TRUNK, get_trunk, "Get one trunk",
           reply="single", data="Trunk"),
    _route("PUT", TRUNK, update_trunk, "Rename a trunk or change its auth_type / nso_code",
           reply="single", data="Trunk", body=UPDATE_TRUNK),
    _route("DELETE", TRUNKS, delete_trunk, "Delete a trunk and its children",
           reply="single", data="Trunk",
           query=(QueryParam("trunk_sid", "string", required=True, description="the trunk"),)),

    _route("POST", MAPPINGS, create_phone_mapping, "Map a phone number to the trunk",
           reply="single", data="PhoneMapping", body=CREATE_MAPPING),
    _route("GET", MAPPINGS, list_phone_mappings, "List phone mappings",
           reply="list", data="PhoneMapping", query=PAGING),
    _route("PUT", MAPPINGS + "/{id}", update_phone_mapping, "Change a mapping's mode",
           reply="single", data="PhoneMapping", body=UPDATE_MAPPING),
    _route("DELETE", MAPPINGS, delete_phone_mapping, "Unmap a phone number",
           reply="single", data="PhoneMapping", query=_id_query("mapping")),
    _route("GET", ACCOUNT + "/trunk-maps", list_trunk_maps, "Which trunk an Exophone maps to",
           reply="list", data="TrunkMap",
           query=(*PAGING, QueryParam("exophone", "string", required=True,
                                      description="E.164 number"), _ONLY_TRUNK)),

    _route("POST", ACLS, create_whitelisted_ip, "Whitelist an IP",
           reply="single", data="WhitelistedIp", body=CREATE_ACL),
    _route("GET", ACLS, list_whitelisted_ips, "List whitelisted IPs",
           reply="list", data="WhitelistedIp", query=PAGING),
    _route("PUT", ACLS + "/{id}", update_whitelisted_ip, "Change a whitelisted IP",
           reply="single", data="WhitelistedIp", body=UPDATE_ACL),
    _route("DELETE", ACLS, delete_whitelisted_ip, "Remove a whitelisted IP",
           reply="single", data="WhitelistedIp", query=_id_query("ACL entry")),

    _route("POST", DESTINATIONS, create_destination_uris, "Append destinations",
           reply="batch", data="DestinationUri", body=CREATE_DESTINATIONS),
    _route("GET", DESTINATIONS, list_destination_uris, "List destinations (newest first)",
           reply="list", data="DestinationUri", query=PAGING),
    _route("PUT", DESTINATIONS + "/{id}", update_destination_uri,
           "Change a destination's priority or weight",
           reply="single", data="DestinationUri", body=UPDATE_DESTINATION),
    _route("DELETE", DESTINATIONS, delete_destination_uri, "Remove a destination",
           reply="single", data="DestinationUri", query=_id_query("destination")),

    _route("POST", CREDENTIALS, create_digest_credential, "Create a digest credential",
           reply="single", data="DigestCredential", body=CREATE_CREDENTIAL),
    _route("GET", CREDENTIALS, list_digest_credentials, "List digest credentials",
           reply="list", data="DigestCredential",
           query=(*PAGING, QueryParam("id", "string", description="only this credential"))),
    _route("PUT", CREDENTIALS + "/{id}", update_digest_credential, "Change a digest credential",
           reply="single", data="DigestCredential", body=UPDATE_CREDENTIAL),
    _route("DELETE", CREDENTIALS, delete_digest_credential, "Delete a digest credential",
           reply="single", data="DigestCredential", query=_id_query("credential")),

    _route("POST", SETTINGS, set_trunk_settings, "Set trunk settings (upsert by name)",
           reply="batch", data="TrunkSetting", body=CREATE_SETTINGS),
    _route("GET", SETTINGS, list_trunk_settings, "List trunk settings",
           reply="list", data="TrunkSetting", query=PAGING),
    _route("DELETE", SETTINGS, delete_trunk_setting, "Delete a trunk setting",
           reply="single", data="TrunkSetting",
           query=(QueryParam("name", "string", required=True, description="setting name"),)),
)
# fmt: on
