"""An OpenAPI 3.0 description of the emulated Exotel API, generated from ``routes.ROUTES``.

Paths, query parameters and request bodies come from the route table (bodies from the Go
structs the emulator decodes them with), so the document cannot drift from what is served.
Field constraints repeat ``rules`` where JSON Schema can say them, which lets a property-based
tool (schemathesis) tell valid from invalid input. Every response is one of the three
envelopes of REF or the error envelope; note that HTTP 200 may also carry the
error envelope (a duplicate answers HTTP 200 with ``response.code`` 409).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pulumi_exotel.emulator.ids import TRUNK_SID_RE

if TYPE_CHECKING:
    from pulumi_exotel.emulator.routes import QueryParam, Route
    from pulumi_exotel.emulator.wire import GoField, GoStruct

__all__ = ["build_document"]

Schema = dict[str, Any]

_E164 = r"^\+[1-9][0-9]{6,14}$"
_WORD = r"^[A-Za-z0-9_]*$"

#: JSON Schema of request fields beyond their Go type (mirrors ``rules``).
_FIELD_RULES: dict[str, Schema] = {
    "trunk_name": {"maxLength": 16, "pattern": _WORD},
    "nso_code": {"enum": ["ANY-ANY"]},
    "domain_name": {"pattern": r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.pstn\.exotel\.com$"},
    "auth_type": {"pattern": r"^[A-Z][A-Z_-]{0,31}$"},
    "phone_number": {"pattern": _E164},
    "mode": {"enum": ["pstn", "flow"]},
    "ip": {"format": "ipv4", "example": "44.248.146.11"},
    "mask": {"minimum": 16, "maximum": 32},
    "user_name": {"pattern": r"^[A-Za-z0-9_.-]{1,64}$"},
    "password": {"pattern": r"^[A-Za-z0-9_]{1,128}$"},
    "friendly_name": {"maxLength": 32, "pattern": _WORD},
}

#: Required request fields per Go struct (the backend answers 1001 without them). Batch items
#: (destinations, settings) have none: a missing field fails the item, not the request.
_REQUIRED: dict[str, list[str]] = {
    "CreateTrunkRequest": ["trunk_name", "nso_code", "domain_name"],
    "CreateDidTrunkMappingRequest": ["phone_number"],
    "UpdateDidTrunkMappingRequest": ["phone_number", "mode"],
    "CreateWhitelistipsRequest": ["ip"],
    "UpdateWhitelistipsRequest": ["ip", "mask"],
    "CreateDestinationUrisRequest": ["destinations"],
    "CreateCredentialRequest": ["user_name", "password"],
    "CreateSettingsRequest": ["settings"],
}

_STRING: Schema = {"type": "string"}
_NULLABLE_STRING: Schema = {"type": "string", "nullable": True}
_TIMESTAMP: Schema = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"}
_DIGITS: Schema = {"type": "string", "pattern": r"^[0-9]+$"}


def _object(properties: dict[str, Schema], required: Sequence[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
    }


_DATA: dict[str, Schema] = {
    "Trunk": _object(
        {
            "trunk_sid": {"type": "string", "pattern": TRUNK_SID_RE.pattern},
            "trunk_name": _STRING,
            "domain_name": _STRING,
            "nso_code": _STRING,
            "status": {"type": "string", "enum": ["active", "inactive"]},
            "auth_type": _STRING,
            "registration_enabled": {"type": "string", "enum": ["enabled", "disabled"]},
            "secure_trunking": {"type": "string", "enum": ["enabled", "disabled"]},
            "edge_preference": _STRING,
            "date_created": _TIMESTAMP,
            "date_updated": _TIMESTAMP,
            "destination_uris": _STRING,
            "whitelisted_ips": _STRING,
            "credentials": _STRING,
            "phone_numbers": _STRING,
        }
    ),
    "PhoneMapping": _object(
        {
            "id": _DIGITS,
            "phone_number": _STRING,
            "trunk_sid": _STRING,
            "mode": {"type": "string", "enum": ["pstn", "flow"], "nullable": True},
            "date_created": _TIMESTAMP,
            "date_updated": _TIMESTAMP,
        }
    ),
    "TrunkMap": _object(
        {
            "exophone": _STRING,
            "trunk_sid": _STRING,
            "phone_number_id": _DIGITS,
            "mode": {"type": "string", "enum": ["pstn", "flow"], "nullable": True},
        }
    ),
    "WhitelistedIp": _object(
        {
            "id": _DIGITS,
            "ip": _STRING,
            "mask": {"type": "integer", "minimum": 16, "maximum": 32},
            "trunk_sid": _STRING,
            "friendly_name": _NULLABLE_STRING,
            "date_created": _TIMESTAMP,
            "date_updated": _TIMESTAMP,
        }
    ),
    "DestinationUri": _object(
        {
            "id": _DIGITS,
            "destination": {"type": "string", "pattern": "^sip:"},
            "type": {"type": "string", "enum": ["public"]},
            "priority": {"type": "integer", "minimum": 0},
            "weight": {"type": "integer", "minimum": 0},
            "trunk_sid": _STRING,
            "date_created": _TIMESTAMP,
            "date_updated": _TIMESTAMP,
        }
    ),
    "DigestCredential": _object(
        {
            "id": _DIGITS,
            "trunk_sid": _STRING,
            "user_name": _STRING,
            "friendly_name": _NULLABLE_STRING,
            "date_created": _TIMESTAMP,
            "date_updated": _TIMESTAMP,
        }
    ),
    "TrunkSetting": _object(
        {
            "name": _STRING,
            "value": _STRING,
            "trunk_sid": _STRING,
            "date_created": _TIMESTAMP,
            "date_updated": _TIMESTAMP,
        }
    ),
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _envelope_head() -> dict[str, Schema]:
    return {
        "request_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
        "method": {"type": "string", "enum": ["GET", "POST", "PUT", "DELETE"]},
        "http_code": {"type": "integer"},
    }


def _success_item(data: Schema) -> Schema:
    return _object(
        {
            "code": {"type": "integer", "enum": [200]},
            "error_data": {"nullable": True, "enum": [None]},
            "status": {"type": "string", "enum": ["success"]},
            "data": data,
        }
    )


_ERROR_ITEM: Schema = _object(
    {
        "code": {"type": "integer"},
        "error_data": _object(
            {"code": {"type": "integer"}, "message": _STRING, "description": _STRING}
        ),
        "status": {"type": "string", "enum": ["failure"]},
        "data": {"nullable": True, "enum": [None]},
    }
)

_PAGE_METADATA: Schema = _object(
    {
        "page_size": {"type": "integer", "minimum": 1},
        "first_page_uri": _STRING,
        "prev_page_uri": _NULLABLE_STRING,
        "next_page_uri": _NULLABLE_STRING,
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
    },
    required=["page_size", "first_page_uri", "prev_page_uri", "next_page_uri"],
)


def _components() -> Schema:
    schemas: dict[str, Schema] = dict(_DATA)
    schemas["ErrorItem"] = _ERROR_ITEM
    schemas["ErrorEnvelope"] = _object({**_envelope_head(), "response": _ref("ErrorItem")})
    schemas["PageMetadata"] = _PAGE_METADATA
    for name in _DATA:
        schemas[f"{name}Single"] = _object(
            {**_envelope_head(), "response": _success_item(_ref(name))}
        )
        schemas[f"{name}List"] = _object(
            {
                **_envelope_head(),
                "metadata": _ref("PageMetadata"),
                "response": {"type": "array", "items": _success_item(_ref(name))},
            },
            required=["request_id", "method", "http_code", "response"],
        )
        schemas[f"{name}Batch"] = _object(
            {
                **_envelope_head(),
                "metadata": _object(
                    {
                        "total": {"type": "integer", "minimum": 0},
                        "success": {"type": "integer", "minimum": 0},
                        "failed": {"type": "integer", "minimum": 0},
                    }
                ),
                "response": {
                    "type": "array",
                    "items": {"anyOf": [_success_item(_ref(name)), _ref("ErrorItem")]},
                },
            }
        )
    return {
        "schemas": schemas,
        "securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}},
    }


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _responses(route: Route) -> Schema:
    error = _ref("ErrorEnvelope")
    if route.reply == "batch":
        batch = _ref(f"{route.data}Batch")
        return {
            "200": _json(batch, "every item succeeded"),
            "207": _json(batch, "at least one item failed (per-item code 400)"),
            "default": _json(error, "the request failed as a whole"),
        }
    kind = "List" if route.reply == "list" else "Single"
    success = _ref(f"{route.data}{kind}")
    ok = _json(
        {"anyOf": [success, error]},
        "success; or a duplicate (1008), which Exotel answers with HTTP 200 and code 409",
    )
    return {
        "200": ok,
        "429": {
            **_json(error, "rate limited (1030)"),
            "headers": {
                "Retry-After": {
                    "description": "seconds to wait",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        },
        "default": _json(error, "Exotel error envelope"),
    }


def _go_schema(struct: GoStruct) -> Schema:
    """A request body: required fields as the backend requires them (1001 otherwise); optional
    fields are nullable, because Go decodes ``null`` as "absent"."""
    required = _REQUIRED.get(struct.name, [])
    properties = {
        field.name: _field_schema(field, nullable=field.name not in required)
        for field in struct.fields
    }
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _batch_item_schema(struct: GoStruct) -> Schema:
    """An element of a batch: only the Go types, since a bad value fails its item inside a
    207 rather than the request."""
    properties = {field.name: _go_type(field, nullable=True) for field in struct.fields}
    return {"type": "object", "nullable": True, "properties": properties}


def _field_schema(field: GoField, *, nullable: bool) -> Schema:
    if field.kind == "array":
        assert field.item is not None
        return {"type": "array", "minItems": 1, "items": _batch_item_schema(field.item)}
    schema = {**_go_type(field, nullable=nullable), **_FIELD_RULES.get(field.name, {})}
    if nullable and "enum" in schema:
        schema["enum"] = [*schema["enum"], None]  # OpenAPI 3.0: null must be listed too
    return schema


def _go_type(field: GoField, *, nullable: bool) -> Schema:
    schema: Schema = {"type": "string"}
    if field.kind in ("uint8", "uint16"):
        schema = {
            "type": "integer",
            "minimum": 0,
            "maximum": 255 if field.kind == "uint8" else 65535,
        }
    if nullable:
        schema["nullable"] = True
    return schema


def _query_parameter(param: QueryParam) -> Schema:
    schema: Schema = {"type": param.kind}
    if param.kind == "integer":
        schema["minimum"] = 0
        schema["maximum"] = 999_999_999
    elif param.required:
        schema["minLength"] = 1  # an empty required value is as good as none: 1001
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description,
        "schema": schema,
    }


def _path_parameters(route: Route, account_sids: Sequence[str]) -> list[Schema]:
    account: Schema = {"type": "string"}
    if account_sids:
        account["enum"] = list(account_sids)
    parameters = [{"name": "account_sid", "in": "path", "required": True, "schema": account}]
    if "{trunk_sid}" in route.template:
        parameters.append(
            {
                "name": "trunk_sid",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": TRUNK_SID_RE.pattern},
            }
        )
    if "{id}" in route.template:
        parameters.append(
            {
                "name": "id",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
            }
        )
    return parameters


def _operation(route: Route, account_sids: Sequence[str]) -> Schema:
    operation: Schema = {
        "operationId": route.handler.__name__,
        "summary": route.summary,
        "parameters": [
            *_path_parameters(route, account_sids),
            *(_query_parameter(param) for param in route.query),
        ],
        "responses": _responses(route),
    }
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _go_schema(route.body)}},
        }
    return operation


def build_document(routes: Sequence[Route], *, account_sids: Sequence[str] = ()) -> Schema:
    """The OpenAPI document; ``account_sids`` become the enum of the ``account_sid`` path
    parameter, so generated requests reach a served account."""
    paths: dict[str, Schema] = {}
    for route in routes:
        paths.setdefault(route.template, {})[route.method.lower()] = _operation(route, account_sids)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Exotel SIP trunking API (pulumi-exotel emulator)",
            "version": "2",
            "description": "The v2 trunk configuration API as the emulator serves it.",
        },
        "paths": paths,
        "components": _components(),
        "security": [{"basicAuth": []}],
    }
