"""LazyAPI: a client attribute that imports its view's module and builds the API on first use."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pygen.instances import AsyncInstanceAPI, InstanceAPI, LazyAPI
from pygen.transport import ClientConfig, Token

_VIEW_MODULE = """
from pygen.instances import AsyncInstanceAPI, InstanceAPI, Node, NodeWrite, ViewId


class Pump(Node):
    _view_id = ViewId("s", "Pump", "v1")
    name: str | None = None


class PumpWrite(NodeWrite):
    _view_id = ViewId("s", "Pump", "v1")
    name: str | None = None


class PumpAPI(InstanceAPI[Pump, PumpWrite]):
    _read_class = Pump
    _write_class = PumpWrite


class AsyncPumpAPI(AsyncInstanceAPI[Pump, PumpWrite]):
    _read_class = Pump
    _write_class = PumpWrite
"""

_CLIENT_MODULE = """
from pygen.instances import AsyncInstanceClient, InstanceClient, LazyAPI


class Client(InstanceClient):
    pumps: LazyAPI = LazyAPI(".pump")
    nothing: LazyAPI = LazyAPI(".empty")


class AsyncClient(AsyncInstanceClient):
    pumps: LazyAPI = LazyAPI(".pump")
"""


@pytest.fixture
def package(tmp_path: Path) -> Iterator[str]:
    name = "lazy_api_sdk"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "pump.py").write_text(textwrap.dedent(_VIEW_MODULE))
    (root / "empty.py").write_text("X = 1\n")
    (root / "_client.py").write_text(textwrap.dedent(_CLIENT_MODULE))
    sys.path.insert(0, str(tmp_path))
    try:
        yield name
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]


def _config() -> ClientConfig:
    return ClientConfig("p", Token("t"), base_url="http://localhost:1")


def test_the_module_is_imported_on_first_use_and_the_api_built_once(package: str) -> None:
    import importlib

    clients = importlib.import_module(f"{package}._client")
    assert f"{package}.pump" not in sys.modules
    client = clients.Client(_config())
    api = client.pumps
    assert f"{package}.pump" in sys.modules
    assert type(api).__name__ == "PumpAPI" and isinstance(api, InstanceAPI)
    assert client.pumps is api
    assert clients.Client(_config()).pumps is not api  # one API per client object
    assert isinstance(clients.Client.pumps, LazyAPI)  # on the class: the attribute itself


def test_an_async_client_gets_the_async_api(package: str) -> None:
    import importlib

    clients = importlib.import_module(f"{package}._client")
    api = clients.AsyncClient(_config()).pumps
    assert type(api).__name__ == "AsyncPumpAPI" and isinstance(api, AsyncInstanceAPI)


def test_a_subclass_elsewhere_still_finds_the_module_of_the_declaring_client(package: str) -> None:
    import importlib

    clients = importlib.import_module(f"{package}._client")

    class MyClient(clients.Client):  # type: ignore[misc,name-defined]
        pass

    assert type(MyClient(_config()).pumps).__name__ == "PumpAPI"


def test_a_module_without_one_api_class_is_a_clear_error(package: str) -> None:
    import importlib

    clients = importlib.import_module(f"{package}._client")
    with pytest.raises(TypeError) as info:
        _ = clients.Client(_config()).nothing
    assert str(info.value) == (
        f"Client.nothing: module {package}.empty must define one InstanceAPI subclass, found none"
    )
