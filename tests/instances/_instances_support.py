"""Constants and helpers of the instance runtime tests.

They live here, not in conftest.py, so that test modules import them by a name no other test folder
uses (``from conftest import ...`` would pick whichever conftest pytest imported last).

The spaces are the run's own on a CDF target (tests/sdk_target.py): ``sp_pygen_models`` (the Omni model),
``sp_omni_instances`` (its nodes) and ``sp_test`` (where tests write) on the emulator.
"""

from __future__ import annotations

from typing import Any

from sdk_target import space
from testdata import OMNI_MODEL, OMNI_NODES

from pygen.emulator import EmulatorSettings
from pygen.transport import ClientConfig, HTTPClient, RetryPolicy, Token

TOKEN = "instances-test-token"
MODEL_SPACE = space("sp_pygen_models")
DATA_SPACE = space("sp_omni_instances")
TEST_SPACE = space("sp_test")


def config(base_url: str = "http://emulator", **kwargs: Any) -> ClientConfig:
    """A client config for the emulator with quick retries."""
    kwargs.setdefault("retry", RetryPolicy(max_retries=10, backoff_base=0.01, backoff_max=0.2))
    return ClientConfig("omni-test", Token(TOKEN), base_url=base_url, **kwargs)


def settings(**kwargs: Any) -> EmulatorSettings:
    """Emulator settings with the Omni model and nodes loaded."""
    return EmulatorSettings(token=TOKEN, model_files=[OMNI_MODEL], instance_files=[OMNI_NODES], **kwargs)


def create_space(http: HTTPClient, space: str = TEST_SPACE) -> None:
    http.post("/models/spaces", json={"items": [{"space": space}]})
