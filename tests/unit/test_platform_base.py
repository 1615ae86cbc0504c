"""The shared platform base: settings (config, env, missing), check/diff without I/O, the
adopt-or-create flow with undo, gone objects, and messages that never carry a secret."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_exotel.platforms import _base
from pulumi_exotel.platforms._base import (
    InputSpec,
    PlatformProvider,
    PlatformProviderError,
    PlatformSettings,
    Props,
    ResolvedSettings,
    Setting,
    import_sdk,
    remember_config,
)
from pulumi_exotel.resources.validation import validate_e164

pytestmark = pytest.mark.unit

SPEC = PlatformSettings(
    "Toy",
    extra="toy",
    settings={
        "api_key": Setting("toy:apiKey", "TOY_API_KEY", secret=True),
        "base_url": Setting("toy:baseUrl", "TOY_BASE_URL", required=False, default="http://d"),
    },
)


class HttpError(Exception):
    def __init__(self, status_code: int, text: str) -> None:
        super().__init__(text)
        self.status_code = status_code


class ToyClient:
    """An in-memory stand-in for an SDK client (the twins test the real SDKs)."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.fail_after_post = False
        self.calls: list[str] = []


class ToyProvider(PlatformProvider[ToyClient]):
    settings_spec = SPEC
    kind = "toy number"
    resource_class = "ToyNumber"
    natural_key = "phone_number"
    secret_fields = ("password",)
    fields = {
        "phone_number": InputSpec(validate_e164, "replace", required=True),
        "password": InputSpec(None, "update"),
    }

    def _build_client(self, settings: ResolvedSettings) -> ToyClient:
        return CLIENT

    def _find(self, client: ToyClient, props: Props) -> Any:
        client.calls.append("find")
        return client.objects.get(props["phone_number"])

    def _post(self, client: ToyClient, props: Props) -> Any:
        client.calls.append("post")
        obj = client.objects[props["phone_number"]] = {"id": props["phone_number"], **props}
        return obj

    def _after_post(self, client: ToyClient, made: Any, props: Props) -> Any:
        if client.fail_after_post:
            raise HttpError(500, f"server broke while storing {props['password']}")
        return made

    def _take_over(self, client: ToyClient, found: Any, props: Props) -> Any:
        found.update(props)
        return found

    def _get(self, client: ToyClient, id_: str) -> Any:
        if id_ not in client.objects:
            raise HttpError(404, "no such number")
        return client.objects[id_]

    def _patch(self, client: ToyClient, id_: str, olds: Props, news: Props) -> Any:
        client.objects[id_].update(news)
        return client.objects[id_]

    def _remove(self, client: ToyClient, id_: str) -> None:
        if client.objects.pop(id_, None) is None:
            raise HttpError(404, "no such number")

    def _object_id(self, obj: Any) -> str:
        return str(obj["id"])

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        return {**inputs, "number_id": obj["id"]}


CLIENT = ToyClient()


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_API_KEY", raising=False)
    monkeypatch.delenv("TOY_BASE_URL", raising=False)
    remember_config(SPEC, {})
    _base._clients.clear()
    CLIENT.objects.clear()
    CLIENT.calls.clear()
    CLIENT.fail_after_post = False


def test_import_sdk_names_the_extra_to_install() -> None:
    with pytest.raises(ImportError, match=r"pip install 'pulumi-exotel\[nope\]'"):
        import_sdk("no_such_platform_sdk", "nope")


def test_config_wins_over_env_and_defaults_fill_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "from-env")
    assert SPEC.resolve({})["api_key"] == "from-env"
    resolved = SPEC.resolve({"toy:apiKey": "from-config"})
    assert resolved["api_key"] == "from-config"
    assert resolved["base_url"] == "http://d"
    assert "from-config" not in repr(resolved)


def test_missing_setting_fails_check_naming_key_and_env() -> None:
    result = ToyProvider().check({}, {"phone_number": "+918047091234"})
    [failure] = result.failures
    assert "toy:apiKey" in failure.reason and "TOY_API_KEY" in failure.reason
    assert not CLIENT.calls


def test_check_and_diff_are_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "k")
    provider = ToyProvider()
    bad = provider.check({}, {"phone_number": "12345"})
    assert "phone_number" in bad.failures[0].reason and "12345" in bad.failures[0].reason
    olds = {"phone_number": "+918047091234", "password": "a"}
    assert provider.diff("x", olds, {**olds, "password": "b"}).replaces == []
    assert provider.diff("x", olds, {**olds, "password": "b"}).changes
    assert provider.diff("x", olds, {**olds, "phone_number": "+918047091235"}).replaces
    assert not provider.diff("x", olds, dict(olds)).changes
    assert not CLIENT.calls


def test_adopt_or_create(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "k")
    provider = ToyProvider()
    props = {"phone_number": "+918047091234", "password": "pw-1"}
    created = provider.create(props)
    assert created.id == "+918047091234"
    with pytest.raises(PlatformProviderError, match="already exists in Toy.*adopt=True"):
        provider.create(props)
    adopted = provider.create({**props, "password": "pw-2", "adopt": True})
    assert adopted.outs["password"] == "pw-2"
    assert CLIENT.objects["+918047091234"]["password"] == "pw-2"


def test_half_failed_create_leaves_no_orphan_and_no_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOY_API_KEY", "api-key-canary")
    CLIENT.fail_after_post = True
    with pytest.raises(PlatformProviderError) as caught:
        ToyProvider().create({"phone_number": "+918047091234", "password": "pw-canary"})
    assert CLIENT.objects == {}
    assert "pw-canary" not in str(caught.value)
    assert "server broke" in str(caught.value)


def test_gone_objects_read_empty_and_delete_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "k")
    provider = ToyProvider()
    read = provider.read("+918047091234", {"phone_number": "+918047091234"})
    assert read.id == "" and read.outs == {}
    provider.delete("+918047091234", {"phone_number": "+918047091234"})


def test_auth_errors_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "api-key-canary")
    provider = ToyProvider()

    def refuse(self: ToyProvider, client: ToyClient, id_: str) -> Any:
        raise HttpError(401, "bad key api-key-canary")

    monkeypatch.setattr(ToyProvider, "_get", refuse)
    with pytest.raises(PlatformProviderError) as caught:
        provider.read("+918047091234", {})
    text = str(caught.value)
    assert "toy:apiKey" in text and "TOY_API_KEY" in text
    assert "api-key-canary" not in text


def test_unreachable_platform_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "k")

    def unreachable(self: ToyProvider, client: ToyClient, id_: str) -> Any:
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(ToyProvider, "_get", unreachable)
    with pytest.raises(PlatformProviderError, match="no usable answer from Toy"):
        ToyProvider().read("+918047091234", {})
