"""The example's own tests: the installed wheel (generated ``cognite_core`` + hand-written ``core_tools``)
against ``pygen emulator`` loaded with the committed CogniteCore snapshot.

Run them where the example wheel and ``cognite-pygen-runtime[emulator]`` are installed:
``python -m pytest example_project/tests`` (the repo's tests/hatch does this in a fresh virtualenv).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pygen.emulator.testing import EmulatorProcess
from pygen.transport import ClientConfig, Token

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "cdf_cdm.CogniteCore.v1.json"
SPACE = "example_space"


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    from cognite_core import CogniteCoreClient

    with EmulatorProcess("--model-file", str(SNAPSHOT)) as emulator:
        config = ClientConfig(project="example", base_url=emulator.base_url, credentials=Token(emulator.token))
        sdk = CogniteCoreClient(config, instance_space=SPACE)
        sdk.http.post("/models/spaces", json={"items": [{"space": SPACE}]})
        try:
            yield sdk
        finally:
            sdk.http.close()


def test_the_generated_package_is_typed_and_importable() -> None:
    import cognite_core

    assert (Path(cognite_core.__file__).parent / "py.typed").is_file()
    assert hasattr(cognite_core, "CogniteCoreClient")


def test_asset_tree_round_trip(client: object) -> None:
    from core_tools import asset_names, create_asset_tree

    assert create_asset_tree(client, "plant", ["pump-1", "pump-2"]) == ["plant", "pump-1", "pump-2"]  # type: ignore[arg-type]
    assert asset_names(client) == ["plant", "pump-1", "pump-2"]  # type: ignore[arg-type]
