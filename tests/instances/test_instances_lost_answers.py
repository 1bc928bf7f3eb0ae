"""Exact per-item results when answers are lost, and deadlines that stop a bulk call.

When CDF applies a write and its answer is lost (a read timeout, a dropped connection), the retry's
answer describes the second application: "not modified". Those items are ``uncertain``, never
``unchanged``. The emulator's ``rate_lost`` fault does exactly that: it stores, then drops the answer.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

import httpx
import pytest
from _instances_support import OMNI_MODEL, TEST_SPACE, TOKEN, config, create_space, settings
from omni_sdk import AsyncOmniClient, OmniClient, PrimitiveNullableFields, PrimitiveNullableWrite

from pygen.emulator import FaultSettings, create_app
from pygen.emulator.testing import EmulatorProcess, SyncASGITransport
from pygen.instances import DeleteError, NodeId, UpsertError
from pygen.transport import (
    AsyncHTTPClient,
    ConcurrencyLimits,
    ConnectionFailedError,
    Deadline,
    HTTPClient,
    RetryPolicy,
    ServerError,
    maybe_applied,
)

F = PrimitiveNullableFields
QUICK = {"max_retries": 20, "backoff_base": 0.001, "backoff_max": 0.002}


def _nodes(n: int, **kwargs: object) -> list[PrimitiveNullableWrite]:
    return [PrimitiveNullableWrite(external_id=f"n{i:05d}", int32=i, **kwargs) for i in range(n)]  # type: ignore[arg-type]


class LoseAnswers(httpx.BaseTransport):
    """Carries every request out on the emulator, then loses the answer of those ``lose`` picks."""

    def __init__(self, inner: httpx.BaseTransport, lose: Callable[[httpx.Request], bool]) -> None:
        self.inner = inner
        self.lose = lose

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.lose(request):
            response.read()
            raise httpx.ReadTimeout("the answer was lost after the server applied the request", request=request)
        return response


def _first_attempts(path: str) -> Callable[[httpx.Request], bool]:
    """Lose the answer of the first attempt of every request to ``path`` (retries get theirs)."""
    seen: set[bytes] = set()

    def lose(request: httpx.Request) -> bool:
        if not request.url.path.endswith(path) or request.content in seen:
            return False
        seen.add(request.content)
        return True

    return lose


def _fault(http: HTTPClient, **rates: float) -> None:
    body = {"seed": 11, **rates}
    http._client.post("http://emulator/_emulator/faults", json=body).raise_for_status()


def test_the_emulator_lost_fault_stores_the_write_and_the_retry_reports_uncertain_never_unchanged() -> None:
    transport = SyncASGITransport(create_app(settings()))
    with HTTPClient(config(retry=RetryPolicy(**QUICK)), transport=transport) as http:  # type: ignore[arg-type]
        create_space(http)
        omni = OmniClient(http, instance_space=TEST_SPACE)
        _fault(http, rate_lost=0.5)
        result = omni.upsert(_nodes(3000))
        statuses = [item.status for item in result.items]
        # Every item has one outcome; a batch whose first answer was lost was stored by that attempt,
        # so its retry finds it "not modified": uncertain. Nothing claims "unchanged".
        assert len(statuses) == 3000
        assert set(statuses) == {"created", "uncertain"}, set(statuses)
        assert statuses.count("uncertain") % 1000 == 0
        assert omni.primitive_nullable.count(filter=F.space.equals(TEST_SPACE)) == 3000

        # Without faults, writing the same again is "unchanged", item by item: the status still means it.
        _fault(http)
        assert {item.status for item in omni.upsert(_nodes(3000)).items} == {"unchanged"}

        # Deletes: an instance a retried delete no longer finds was deleted by the lost attempt, or before.
        _fault(http, rate_lost=0.5)
        deleted = omni.delete([NodeId(TEST_SPACE, f"n{i:05d}") for i in range(3000)])
        assert len(deleted.deleted) + len(deleted.uncertain) == 3000
        assert deleted.uncertain and not deleted.not_found
        _fault(http)
        assert omni.primitive_nullable.count(filter=F.space.equals(TEST_SPACE)) == 0
        assert omni.delete(["n00000"]).not_found == [NodeId(TEST_SPACE, "n00000")]
    transport.close()


@pytest.mark.once  # the emulator's --fault-lost as a process; the in-process twins run on each Python
@pytest.mark.emulator_only
def test_a_pygen_emulator_process_with_fault_lost_stores_writes_whose_answers_it_drops() -> None:
    args = ["--token", TOKEN, "--model-file", str(OMNI_MODEL), "--fault-lost", "0.4", "--fault-seed", "0"]
    with EmulatorProcess(*args) as emulator:
        cfg = config(emulator.base_url, retry=RetryPolicy(**QUICK))  # type: ignore[arg-type]
        with HTTPClient(cfg) as http:
            create_space(http)
            omni = OmniClient(http, instance_space=TEST_SPACE)
            result = omni.upsert(_nodes(3000))
            statuses = [item.status for item in result.items]
            assert len(statuses) == 3000 and set(statuses) == {"created", "uncertain"}, set(statuses)
            assert omni.primitive_nullable.count(filter=F.space.equals(TEST_SPACE)) == 3000


def test_a_lost_answer_to_an_update_and_to_a_guarded_write_is_uncertain() -> None:
    app = create_app(settings())
    with HTTPClient(config(), transport=SyncASGITransport(app)) as plain:
        create_space(plain)
        OmniClient(plain, instance_space=TEST_SPACE).upsert(_nodes(3))
    lossy = LoseAnswers(SyncASGITransport(app), _first_attempts("/models/instances"))
    with HTTPClient(config(retry=RetryPolicy(**QUICK)), transport=lossy) as http:  # type: ignore[arg-type]
        omni = OmniClient(http, instance_space=TEST_SPACE)
        # An update: the lost attempt changed the node, the retry finds nothing to change.
        result = omni.upsert([PrimitiveNullableWrite(external_id="n00000", int32=100)])
        assert [item.status for item in result.items] == ["uncertain"]
        # A version-guarded write: the lost attempt wrote version 2, the retry conflicts with it and is
        # skipped. Neither "skipped" nor "unchanged" would be true: uncertain.
        guarded = PrimitiveNullableWrite(external_id="n00001", int32=101, existing_version=1)
        result = omni.upsert([guarded], skip_on_version_conflict=True)
        assert [item.status for item in result.items] == ["uncertain"]
        # Without skip_on_version_conflict, the retry's 409 is a failure that may have been applied.
        guarded = PrimitiveNullableWrite(external_id="n00002", int32=102, existing_version=1)
        with pytest.raises(UpsertError) as info:
            omni.upsert([guarded])
        [failed] = info.value.failed
        assert failed.status == 409 and failed.maybe_applied
        assert "may or may not have been applied" in failed.reason
    with HTTPClient(config(), transport=SyncASGITransport(app)) as plain:
        read = OmniClient(plain, instance_space=TEST_SPACE).primitive_nullable.list(filter=F.space.equals(TEST_SPACE))
        ints = {n.external_id: n.int32 for n in read}
    assert ints == {"n00000": 100, "n00001": 101, "n00002": 102}


def test_the_halves_of_a_split_batch_inherit_the_doubt_of_its_lost_answer() -> None:
    app = create_app(settings())
    with HTTPClient(config(), transport=SyncASGITransport(app)) as plain:
        create_space(plain)
        OmniClient(plain, instance_space=TEST_SPACE).upsert(_nodes(3))
    lost = iter([True])  # only the very first answer is lost; the halves get theirs
    lossy = LoseAnswers(SyncASGITransport(app), lambda request: next(lost, False))
    with HTTPClient(config(retry=RetryPolicy(**QUICK)), transport=lossy) as http:  # type: ignore[arg-type]
        # The lost attempt writes all three; its retry conflicts on the guarded one (with its own write), so
        # the batch is split: the other two read "not modified" because the lost attempt changed them.
        writes = [
            PrimitiveNullableWrite(external_id="n00000", int32=100, existing_version=1),
            PrimitiveNullableWrite(external_id="n00001", int32=101),
            PrimitiveNullableWrite(external_id="n00002", int32=102),
        ]
        with pytest.raises(UpsertError) as info:
            OmniClient(http, instance_space=TEST_SPACE).upsert(writes)
    assert [(item.id.external_id, item.status) for item in info.value.result.items] == [
        ("n00001", "uncertain"),
        ("n00002", "uncertain"),
    ]
    [failed] = info.value.failed
    assert failed.id.external_id == "n00000" and failed.status == 409 and failed.maybe_applied


@pytest.mark.anyio
async def test_async_lost_answers_are_uncertain() -> None:
    app = create_app(settings(faults=FaultSettings(rate_lost=0.5, seed=0)))
    transport = httpx.ASGITransport(app=app)
    async with AsyncHTTPClient(config(retry=RetryPolicy(**QUICK)), transport=transport) as http:  # type: ignore[arg-type]
        await http.post("/models/spaces", json={"items": [{"space": TEST_SPACE}]})
        omni = AsyncOmniClient(http, instance_space=TEST_SPACE)
        result = await omni.upsert(_nodes(2000))
        statuses = {item.status for item in result.items}
        assert len(result.items) == 2000 and statuses <= {"created", "uncertain"} and "uncertain" in statuses
        deleted = await omni.delete([NodeId(TEST_SPACE, f"n{i:05d}") for i in range(2000)])
        assert len(deleted.deleted) + len(deleted.uncertain) == 2000 and not deleted.not_found


def test_the_transport_marks_answers_and_errors_that_may_follow_an_applied_attempt() -> None:
    answers = iter([httpx.ReadTimeout("lost"), httpx.Response(200, json={"items": []})])
    refused = iter([httpx.ConnectError("refused"), httpx.Response(200, json={"items": []})])

    def handler(outcomes: object) -> Callable[[httpx.Request], httpx.Response]:
        def handle(request: httpx.Request) -> httpx.Response:
            outcome = next(outcomes)  # type: ignore[call-overload]
            if isinstance(outcome, Exception):
                raise outcome
            return outcome  # type: ignore[no-any-return]

        return handle

    cfg = config(retry=RetryPolicy(**QUICK))  # type: ignore[arg-type]
    with HTTPClient(cfg, transport=httpx.MockTransport(handler(answers))) as http:
        assert maybe_applied(http.post("/models/instances", json={"items": []}))
    with HTTPClient(cfg, transport=httpx.MockTransport(handler(refused))) as http:
        assert not maybe_applied(http.post("/models/instances", json={"items": []}))
    # A gateway timeout as the final answer may come after the backend applied the request; a 503 not.
    for status, applied in ((504, True), (503, False)):
        once = RetryPolicy(max_retries=0)
        responses = itertools.repeat(httpx.Response(status, json={"error": {"code": status, "message": "x"}}))
        with HTTPClient(config(retry=once), transport=httpx.MockTransport(handler(responses))) as http:
            with pytest.raises(ServerError) as info:
                http.post("/models/instances", json={"items": []})
        assert info.value.maybe_applied is applied


# --- deadlines -------------------------------------------------------------------------------------


def _dead_server(requests: list[httpx.Request], error: Exception | None = None) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if error is not None:
            raise error
        return httpx.Response(503, json={"error": {"code": 503, "message": "Service unavailable"}})

    return httpx.MockTransport(handle)


def test_a_server_gone_for_good_stops_the_whole_upsert_at_the_progress_deadline() -> None:
    requests: list[httpx.Request] = []
    policy = RetryPolicy(max_retries=1000, backoff_base=0.01, backoff_max=0.02, progress_deadline=0.3)
    cfg = config(retry=policy, limits=ConcurrencyLimits(write=2))
    with HTTPClient(cfg, transport=_dead_server(requests, httpx.ConnectError("refused"))) as http:
        with pytest.raises(UpsertError) as info:
            OmniClient(http, instance_space=TEST_SPACE).upsert(_nodes(10_000))
    failed = info.value.failed
    assert len(failed) == 10_000 and not info.value.result.items
    # The batches in flight gave up at the deadline instead of using their 1000 retries; the others
    # were never sent. Nothing reached the server, so nothing may have been applied.
    tried = [item for item in failed if "gave up: 0.3 s without a successful request" in item.reason]
    not_sent = [item for item in failed if item.reason.startswith("not sent: 0.3 s without a successful request")]
    assert len(tried) == 2000 and len(not_sent) == 8000, {item.reason for item in failed}
    assert not any(item.maybe_applied for item in failed)
    assert len(requests) < 200
    assert "10000 of 10000 instances were not written" in str(info.value)


def test_what_was_written_before_the_deadline_is_reported_and_the_rest_names_it() -> None:
    app = create_app(settings())
    calls = itertools.count()

    def handle(request: httpx.Request) -> httpx.Response:
        # The first batch is written; then the service answers 503 for good.
        if next(calls) < 2:  # the space, then batch 1
            return inner.handle_request(request)
        return httpx.Response(503, json={"error": {"code": 503, "message": "Service unavailable"}})

    inner = SyncASGITransport(app)
    # The progress deadline counts from the last success, so however long batch 1 takes, batch 2
    # retries for 0.3 s and batch 3 is not sent.
    policy = RetryPolicy(max_retries=1000, backoff_base=0.01, backoff_max=0.02, progress_deadline=0.3)
    cfg = config(retry=policy, limits=ConcurrencyLimits(write=1, delete=1))
    with HTTPClient(cfg, transport=httpx.MockTransport(handle)) as http:
        create_space(http)
        omni = OmniClient(http, instance_space=TEST_SPACE)
        with pytest.raises(UpsertError) as info:
            omni.upsert(_nodes(3000))
        assert [item.id.external_id for item in info.value.result.created] == [f"n{i:05d}" for i in range(1000)]
        reasons = {item.reason for item in info.value.failed}
        passed = "0.3 s without a successful request (RetryPolicy.progress_deadline) passed"
        assert len(info.value.failed) == 2000
        assert reasons == {
            f"Service unavailable (not retried: {passed})",
            f"not sent: {passed} before this batch started",
        }

        # deadline= bounds one call in total, whatever its progress.
        with pytest.raises(DeleteError) as deletes:
            omni.delete(["n00000", "n00001"], deadline=0.2)
        assert [item.id.external_id for item in deletes.value.failed] == ["n00000", "n00001"]
        # (Retried until the deadline, or, on a machine so busy that it passed first, not sent.)
        assert all("the call's deadline of 0.2 s passed" in item.reason for item in deletes.value.failed)
        with pytest.raises(ValueError, match=r"deadline must be a positive, finite number of seconds or None, got -1"):
            omni.upsert(_nodes(1), deadline=-1)


@pytest.mark.anyio
async def test_async_upsert_stops_at_the_progress_deadline() -> None:
    requests: list[httpx.Request] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        await asyncio.sleep(0)
        raise httpx.ConnectError("refused")

    policy = RetryPolicy(max_retries=1000, backoff_base=0.01, backoff_max=0.02, progress_deadline=0.3)
    async with AsyncHTTPClient(config(retry=policy), transport=httpx.MockTransport(handle)) as http:
        with pytest.raises(UpsertError) as info:
            await AsyncOmniClient(http, instance_space=TEST_SPACE).upsert(_nodes(6000))
    # Four batches in flight (the write limit) gave up at the deadline; the other two were not sent.
    reasons = [item.reason for item in info.value.failed]
    assert len(reasons) == 6000 and len(requests) < 300
    assert sum(reason.startswith("not sent: 0.3 s without a successful request") for reason in reasons) == 2000


def test_a_single_request_gives_up_at_its_deadline_with_the_reason() -> None:
    requests: list[httpx.Request] = []
    policy = RetryPolicy(max_retries=1000, backoff_base=0.01, backoff_max=0.02, progress_deadline=0.2)
    with HTTPClient(config(retry=policy), transport=_dead_server(requests, httpx.ConnectError("refused"))) as http:
        with pytest.raises(ConnectionFailedError, match=r"gave up: 0.2 s without a successful request"):
            http.get("/models/spaces")
    with HTTPClient(config(retry=policy), transport=_dead_server(requests)) as http:
        with pytest.raises(ServerError, match="Service unavailable"):
            http.get("/models/spaces")
    assert len(requests) < 100


def test_deadline_keeps_time_from_the_last_success_and_the_total() -> None:
    now = [0.0]
    deadline = Deadline(RetryPolicy(progress_deadline=10, deadline=25), clock=lambda: now[0])
    now[0] = 9.0
    assert deadline.remaining() == 1.0 and not deadline.passed
    deadline.progress()
    now[0] = 18.0
    assert deadline.remaining() == 1.0
    deadline.progress()
    now[0] = 24.0
    assert deadline.remaining() == 1.0 and deadline.describe() == "the call's deadline of 25 s"
    now[0] = 25.0
    assert deadline.passed
    unlimited = Deadline(RetryPolicy(progress_deadline=None), clock=lambda: now[0])
    assert unlimited.remaining() == float("inf")
    assert Deadline(RetryPolicy(), 5, clock=lambda: 0.0).total == 5
    # Once a request gave up because of it, the deadline counts as passed: no further batch starts.
    unlimited.give_up()
    assert unlimited.passed and unlimited.remaining() == 0


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), True, "60"])
def test_retry_policy_refuses_a_bad_deadline(value: object) -> None:
    with pytest.raises(ValueError, match=r"RetryPolicy.progress_deadline must be a positive, finite number"):
        RetryPolicy(progress_deadline=value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"RetryPolicy.deadline must be a positive, finite number"):
        RetryPolicy(deadline=value)  # type: ignore[arg-type]
