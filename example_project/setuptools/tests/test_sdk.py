"""The setuptools twin's wheel, installed: the generated SDK against ``pygen emulator``.

Run where the wheel and ``cognite-pygen-runtime[emulator]`` are installed (the repository's tests do).
"""

from __future__ import annotations

from pathlib import Path

from pygen.emulator.testing import EmulatorProcess
from pygen.transport import ClientConfig, Token

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "cdf_cdm.CogniteCore.v1.json"
SPACE = "example_space"


def test_the_installed_sdk_writes_and_reads_against_the_emulator() -> None:
    import cognite_core
    from cognite_core import CogniteAssetWrite, CogniteCoreClient

    assert (Path(cognite_core.__file__).parent / "py.typed").is_file()
    with EmulatorProcess("--model-file", str(SNAPSHOT)) as emulator:
        config = ClientConfig(project="example", base_url=emulator.base_url, credentials=Token(emulator.token))
        client = CogniteCoreClient(config, instance_space=SPACE)
        try:
            client.http.post("/models/spaces", json={"items": [{"space": SPACE}]})
            client.upsert([CogniteAssetWrite(external_id="pump-1", name="Pump 1")])
            assert [asset.name for asset in client.cognite_asset.list(name_prefix="Pump")] == ["Pump 1"]
        finally:
            client.http.close()
