"""pygen.instances is runtime: importing it loads no generator, emulator or optional dependency, and none of
its own parts that an SDK import does not need (the graph query engine, the write machinery)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FORBIDDEN = ["jinja2", "keyring", "platformdirs", "filelock", "starlette", "uvicorn", "pandas", "numpy"]
FORBIDDEN_PYGEN = ["pygen.generator.fetch", "pygen.emulator", "pygen_hatch"]


def test_importing_the_instance_runtime_stays_light() -> None:
    code = "import json, sys\nimport pygen.instances\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = set(json.loads(out))
    leaked = sorted(
        mod for mod in loaded for bad in FORBIDDEN + FORBIDDEN_PYGEN if mod == bad or mod.startswith(bad + ".")
    )
    assert leaked == []


def test_sync_use_never_imports_asyncio_or_thread_pools() -> None:
    """asyncio costs about 30 ms to import: only async clients (and parallel writes) pay for it."""
    code = (
        "import json, sys\n"
        "import pygen.instances, pygen.transport\n"
        "from pygen.transport import ClientConfig, HTTPClient, Token\n"
        "HTTPClient(ClientConfig('p', Token('t'))).close()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'asyncio', 'concurrent'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == []


GOLDEN_CORE = Path(__file__).resolve().parents[1] / "golden" / "cognite_core" / "python"

#: What an SDK import does not need, loaded where it is used (issue 18): the graph query engine (with a
#: query, or a read with ``properties=``/``connections=``), the write results and machinery (with the
#: first upsert or delete), asyncio and thread pools (async clients, parallel writes), and pydantic's
#: functional serializers (``Timestamp`` serialises through its own core schema).
DEFERRED = [
    "pygen.instances._graph",
    "pygen.instances._query",
    "pygen.instances._results",
    "pygen.instances._writes",
    "pydantic.functional_serializers",
    "asyncio",
    "concurrent.futures",
]


def _loaded(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))\n"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(GOLDEN_CORE), *sys.path]))
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_runtime_defers_what_an_sdk_import_does_not_need() -> None:
    loaded = _loaded("import pygen.instances")
    assert sorted(loaded & set(DEFERRED)) == []


def test_importing_a_generated_sdk_and_making_a_client_defers_the_engine_and_the_writes() -> None:
    """The generated view module names ``Query`` for type checkers: the query classes load, the engine does not."""
    loaded = _loaded(
        "from cognite_core import CogniteCoreClient, CogniteAsset\n"
        "from pygen.transport import ClientConfig, Token\n"
        "client = CogniteCoreClient(ClientConfig('p', Token('t')), instance_space='s')\n"
        "client.cognite_asset\n"
    )
    assert "cognite_core.cognite_asset" in loaded
    assert sorted(loaded & set(DEFERRED)) == ["pygen.instances._query"]


def test_the_engine_loads_with_a_query_and_the_writes_with_a_write() -> None:
    code = (
        "import httpx\n"
        "from cognite_core import CogniteCoreClient, CogniteAssetWrite\n"
        "from pygen.transport import ClientConfig, HTTPClient, Token\n"
        "def answer(request):\n"
        "    if request.url.path.endswith('/models/instances'):\n"
        "        return httpx.Response(200, json={'items': [{'instanceType': 'node', 'space': 's', 'externalId': 'a',"
        " 'version': 1, 'wasModified': True, 'createdTime': 0, 'lastUpdatedTime': 0}]})\n"
        "    return httpx.Response(200, json={'items': [], 'nextCursor': None})\n"
        "http = HTTPClient(ClientConfig('p', Token('t')), transport=httpx.MockTransport(answer))\n"
        "client = CogniteCoreClient(http, instance_space='s')\n"
        "client.cognite_asset.list(limit=1)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
        "client.cognite_asset.query(limit=1)\n"
        "client.upsert(CogniteAssetWrite(external_id='a'))\n"
    )
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))\n"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(GOLDEN_CORE), *sys.path]))
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env)
    after_list, after_query_and_write = (set(json.loads(line)) for line in done.stdout.splitlines()[-2:])
    engine = {"pygen.instances._graph", "pygen.instances._results", "pygen.instances._writes"}
    assert sorted(after_list & engine) == []
    assert engine <= after_query_and_write


def test_deferred_names_still_import_from_the_package() -> None:
    import pygen.instances as runtime
    from pygen.instances._query import AsyncQuery, Query, QueryResult
    from pygen.instances._results import UpsertResult
    from pygen.instances._writes import InstanceIdLike

    assert (runtime.Query, runtime.AsyncQuery, runtime.QueryResult) == (Query, AsyncQuery, QueryResult)
    assert runtime.UpsertResult is UpsertResult and runtime.InstanceIdLike == InstanceIdLike
    assert all(hasattr(runtime, name) for name in runtime.__all__)
    assert set(runtime.__all__) <= set(dir(runtime))
    with pytest.raises(AttributeError, match="NotAName"):
        runtime.NotAName  # noqa: B018
