"""cognite-sdk against a real ``pygen emulator`` process, for the datapoints and files suites.

``sdk_service()`` starts ``python -m pygen emulator`` with the CogniteCore model loaded (the CogniteTimeSeries and
CogniteFile views the tests write through) and yields a :class:`Service`: a default-settings ``CogniteClient``
on it, the raw HTTP details for checks the SDK guards against client-side, and fresh spaces. When
``PYGEN_TEST_CDF_*`` names a CDF project (tests/cdf_target.py) the same tests talk to that project instead (its
``cdf_cdm`` is built in); everything they create lives in spaces they create, or carries an external id they
made up, and is deleted at the end.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cdf_target import cdf_target, check_own_space
from cognite.client import ClientConfig, CogniteClient, global_config
from cognite.client.credentials import Token
from cognite.client.data_classes.data_modeling import NodeId, SpaceApply

from pygen.emulator.testing import EmulatorProcess

CORE_MODEL = Path(__file__).parents[1] / "data" / "models" / "CogniteCore.json"


@dataclass
class Service:
    """What a test talks to: a CogniteClient, and the same service over plain HTTP."""

    client: CogniteClient
    base_url: str
    project: str
    token: str
    process: EmulatorProcess | None
    spaces: list[str] = field(default_factory=list)
    timeseries_xids: list[str] = field(default_factory=list)
    file_xids: list[str] = field(default_factory=list)

    @property
    def is_emulator(self) -> bool:
        return self.process is not None

    def http(self) -> httpx.Client:
        """An httpx client on ``<base>/api/v1/projects/<project>`` with the bearer token."""
        return httpx.Client(
            base_url=f"{self.base_url.rstrip('/')}/api/v1/projects/{self.project}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=120,
        )

    def fresh_space(self, prefix: str) -> str:
        name = f"{prefix}_{secrets.token_hex(4)}"
        self.client.data_modeling.spaces.apply(SpaceApply(name))
        self.spaces.append(name)
        return name

    def xid(self, prefix: str, kind: str) -> str:
        """A new external id for a classic time series (``kind="ts"``) or file (``"file"``), deleted at the end."""
        made = f"{prefix}-{secrets.token_hex(6)}"
        (self.timeseries_xids if kind == "ts" else self.file_xids).append(made)
        return made

    def rss_kib(self) -> int:
        """The emulator process's resident memory (VmRSS, KiB)."""
        assert self.process is not None and self.process.process is not None
        for line in Path(f"/proc/{self.process.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS line in /proc/<pid>/status")

    def cleanup(self) -> None:
        client = self.client
        if self.timeseries_xids:
            client.time_series.delete(external_id=self.timeseries_xids, ignore_unknown_ids=True)
        if self.file_xids:
            client.files.delete(external_id=self.file_xids, ignore_unknown_ids=True)
        dm = client.data_modeling
        for space in reversed(self.spaces):
            check_own_space(space, self.spaces)
            nodes = dm.instances.list(instance_type="node", space=space, limit=-1)
            if len(nodes):
                dm.instances.delete(nodes=[NodeId(space, node.external_id) for node in nodes])
            views = dm.views.list(space=space, all_versions=True, limit=-1)
            if len(views):
                dm.views.delete(views.as_ids())
            containers = dm.containers.list(space=space, limit=-1)
            if len(containers):
                dm.containers.delete(containers.as_ids())
            dm.spaces.delete(space)


def _client(base_url: str, project: str, token: str) -> CogniteClient:
    global_config.disable_pypi_version_check = True  # no background call to pypi.org (see tests/official_sdk)
    config = ClientConfig(
        client_name="pygen-datapoints-files", project=project, base_url=base_url, credentials=Token(token)
    )
    return CogniteClient(config)


@contextmanager
def sdk_service(*emulator_args: str) -> Iterator[Service]:
    """A :class:`Service` on a fresh emulator process (``emulator_args`` added) or the configured CDF project."""
    target = cdf_target()
    if target is not None:
        token = target.bearer()
        service = Service(_client(target.base_url, target.project, token), target.base_url, target.project, token, None)
        try:
            yield service
        finally:
            service.cleanup()
        return
    token = f"dp-{secrets.token_hex(8)}"
    with EmulatorProcess("--token", token, "--model-file", str(CORE_MODEL), *emulator_args) as process:
        yield Service(_client(process.base_url, "dp-files", token), process.base_url, "dp-files", token, process)
