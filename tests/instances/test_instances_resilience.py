"""Resilience: 10,000 nodes written and listed back exactly once while a fifth of requests fail.

A real emulator process injects 429 (with and without Retry-After), 503 and dropped connections;
the transport retries, the runtime keeps cursors and batches intact.
"""

from __future__ import annotations

import logging

import pytest
from _instances_support import OMNI_MODEL, TOKEN, config
from omni_sdk import OmniClient, PrimitiveNullableFields, PrimitiveNullableWrite

from pygen.emulator.testing import EmulatorProcess
from pygen.transport import ConcurrencyLimits, HTTPClient, RetryPolicy

N = 10_000


@pytest.mark.once  # 10,000 nodes through a faulty emulator process; the retry tests run on each Python
@pytest.mark.slow
@pytest.mark.emulator_only  # its faults are the emulator's
def test_upsert_and_list_10000_nodes_under_faults(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pygen.transport")
    args = ["--token", TOKEN, "--model-file", str(OMNI_MODEL)]
    faults = ["--fault-429", "0.08", "--fault-503", "0.06", "--fault-drop", "0.06", "--fault-seed", "7"]
    with EmulatorProcess(*args, *faults) as emulator:
        cfg = config(
            emulator.base_url,
            retry=RetryPolicy(max_retries=25, backoff_base=0.01, backoff_max=0.1, retry_after_max=0.1),
            limits=ConcurrencyLimits(read=4, write=4, delete=2),
            timeout=60,
        )
        with HTTPClient(cfg) as http:
            http.post("/models/spaces", json={"items": [{"space": "sp_resilience"}]})
            omni = OmniClient(http, instance_space="sp_resilience")
            writes = [PrimitiveNullableWrite(external_id=f"r{i:05d}", int32=i, text=f"n{i}") for i in range(N)]
            result = omni.upsert(writes)
            # Every item has exactly one outcome. A dropped request was not carried out, so its retry creates.
            assert len(result.items) == N
            assert {r.status for r in result.items} == {"created"}
            listed = omni.primitive_nullable.list(
                filter=PrimitiveNullableFields.space.equals("sp_resilience"), limit=-1
            )
            ids = [item.external_id for item in listed]
            assert len(ids) == N
            assert len(set(ids)) == N
            assert sorted(item.int32 or 0 for item in listed) == list(range(N))
    # The faults really happened and were retried (which kinds depends on the seed's draw order).
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    kinds = {kind for kind, marker in (("429", " got 429;"), ("503", " got 503;"), ("drop", "failed (")) if any(
        marker in message for message in retries
    )}  # fmt: skip
    assert len(retries) >= 3 and len(kinds) >= 2, (len(retries), kinds)
