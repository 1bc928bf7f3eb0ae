"""The retry rules of ``tests/data/retry_rules.json``, which the TypeScript runtime is tested against too
(``tests/typescript/retry-rules.test.ts``): statuses and transport errors (retried? maybe applied?),
``Retry-After`` values, delays, waits, policies, deadlines and retries against a deadline.

The pure functions are checked case by case, and what the client does with them through the sync and async
clients on a scripted transport.
"""

from __future__ import annotations

import json
import math
import random
import re
from typing import Any, cast

import httpx
import pytest
from _transport_support import Script, call, make_config, ok, status
from testdata import RETRY_RULES

from pygen.transport import (
    APIError,
    ConnectionFailedError,
    Deadline,
    RetryPolicy,
    is_retryable_transport_error,
    maybe_applied,
    parse_retry_after,
    retry_delay,
    should_retry,
)
from pygen.transport._retry import may_have_been_applied

RULES: dict[str, Any] = json.loads(RETRY_RULES.read_text(encoding="utf-8"))
NOW = float(RULES["now_epoch_seconds"])
USE_ASYNC = pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
ANYIO = pytest.mark.anyio


def cases(section: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = RULES[section]["cases"]
    return found


def case_id(case: dict[str, Any]) -> str:
    for key in ("case", "header", "status"):
        if key in case:
            return repr(case[key]) if key == "header" else str(case[key])
    return json.dumps({k: v for k, v in case.items() if k != "why"}, sort_keys=True)


def value(raw: Any) -> Any:
    """A value of the file: ``{"number": "NaN"}`` and ``{"number": "Infinity"}`` are the floats."""
    if isinstance(raw, dict) and set(raw) == {"number"}:
        return float(raw["number"])
    return raw


def policy(overrides: dict[str, Any] | None = None, **more: Any) -> RetryPolicy:
    return RetryPolicy(**{key: value(raw) for key, raw in {**(overrides or {}), **more}.items()})


class FixedRandom(random.Random):
    """A generator whose every draw is ``draw`` (``uniform(a, b)`` is then ``a + (b - a) * draw``)."""

    def __init__(self, draw: float) -> None:
        super().__init__(0)
        self.draw = draw

    def random(self) -> float:
        return self.draw


# -- the defaults -------------------------------------------------------------------------------------------


def test_the_default_policy() -> None:
    expected = RULES["defaults"]
    default = RetryPolicy()
    assert {
        "max_retries": default.max_retries,
        "backoff_base": default.backoff_base,
        "backoff_max": default.backoff_max,
        "retry_after_max": default.retry_after_max,
        "statuses": sorted(default.statuses),
        "progress_deadline": default.progress_deadline,
        "deadline": default.deadline,
    } == expected


# -- statuses -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases("statuses"), ids=case_id)
def test_status_rules(case: dict[str, Any]) -> None:
    assert should_retry(case["status"]) is case["retried"]
    assert may_have_been_applied(case["status"]) is case["maybe_applied"]


@USE_ASYNC
@ANYIO
@pytest.mark.parametrize("case", cases("statuses"), ids=case_id)
async def test_status_rules_through_the_client(use_async: bool, case: dict[str, Any]) -> None:
    first = ok() if case["status"] == 200 else status(case["status"])
    script = Script([first, ok()])
    config = make_config(retry=RetryPolicy(max_retries=1))
    if case["retried"] or case["status"] == 200:
        response = await call(use_async, config, script, sleeps=[])
        assert response.status_code == 200
        assert maybe_applied(response) is case["maybe_applied"]
        assert len(script.requests) == (2 if case["retried"] else 1)
    else:
        with pytest.raises(APIError) as caught:
            await call(use_async, config, script, sleeps=[])
        assert caught.value.status == case["status"]
        assert caught.value.maybe_applied is case["maybe_applied"]
        assert len(script.requests) == 1


# -- transport errors ---------------------------------------------------------------------------------------

PYTHON_ERRORS = [case for case in cases("transport_errors") if case["python"] is not None]


def error_class(name: str) -> type[httpx.RequestError]:
    cls = getattr(httpx, name)
    assert isinstance(cls, type) and issubclass(cls, httpx.RequestError), name
    return cls


def test_every_failure_is_in_one_runtime_at_least() -> None:
    assert all(case["python"] is not None or case["typescript"] is not None for case in cases("transport_errors"))


@pytest.mark.parametrize("case", PYTHON_ERRORS, ids=case_id)
def test_transport_error_rules(case: dict[str, Any]) -> None:
    exc = error_class(case["python"])("simulated", request=httpx.Request("POST", "https://x.test/"))
    assert is_retryable_transport_error(exc) is case["retried"]
    assert may_have_been_applied(exc) is case["maybe_applied"]


@USE_ASYNC
@ANYIO
@pytest.mark.parametrize("case", PYTHON_ERRORS, ids=case_id)
async def test_transport_error_rules_through_the_client(use_async: bool, case: dict[str, Any]) -> None:
    # Script raises any exception class it is given (DecodingError is a RequestError, not a TransportError).
    script = Script([cast("type[httpx.TransportError]", error_class(case["python"])), ok()])
    config = make_config(retry=RetryPolicy(max_retries=1))
    if case["retried"]:
        response = await call(use_async, config, script, sleeps=[])
        assert maybe_applied(response) is case["maybe_applied"]
        assert len(script.requests) == 2
    else:
        with pytest.raises(ConnectionFailedError) as caught:
            await call(use_async, config, script, sleeps=[])
        assert caught.value.maybe_applied is case["maybe_applied"]
        assert len(script.requests) == 1


# -- Retry-After, delays, waits -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases("retry_after"), ids=case_id)
def test_retry_after(case: dict[str, Any]) -> None:
    got = parse_retry_after(case["header"], NOW)
    if case["seconds"] is None:
        assert got is None
    else:
        assert got is not None and math.isclose(got, case["seconds"], rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("case", cases("delays"), ids=case_id)
def test_delay(case: dict[str, Any]) -> None:
    got = retry_delay(case["attempt"], case["retry_after"], policy(case.get("policy")), FixedRandom(case["random"]))
    assert math.isclose(got, case["delay"], rel_tol=1e-12, abs_tol=1e-12)


@USE_ASYNC
@ANYIO
@pytest.mark.parametrize("case", cases("waits"), ids=case_id)
async def test_wait_through_the_client(use_async: bool, case: dict[str, Any]) -> None:
    headers = {} if case["header"] is None else {"Retry-After": case["header"]}
    sleeps: list[float] = []
    script = Script([status(429, headers=headers), ok()])
    await call(use_async, make_config(), script, sleeps=sleeps, rng=FixedRandom(0.5))
    assert sleeps == [pytest.approx(case["wait"])]


# -- policies and deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases("policies"), ids=case_id)
def test_policy(case: dict[str, Any]) -> None:
    if case["valid"]:
        policy(case["policy"])
    else:
        name = next(iter(case["policy"]))
        with pytest.raises(ValueError, match=rf"RetryPolicy\.{name} must be"):
            policy(case["policy"])


@pytest.mark.parametrize("case", cases("deadlines"), ids=case_id)
def test_deadline(case: dict[str, Any]) -> None:
    now = [0.0]
    deadline = Deadline(policy(case["policy"]), case.get("total"), clock=lambda: now[0])
    for step in case["steps"]:
        where = f"{case['case']}: at {now[0]} s, {step}"
        if "advance" in step:
            now[0] += step["advance"]
        elif "progress" in step:
            deadline.progress()
        elif "give_up" in step:
            deadline.give_up()
        elif "remaining" in step:
            expected = math.inf if step["remaining"] == "inf" else step["remaining"]
            assert deadline.remaining() == pytest.approx(expected), where
        elif "passed" in step:
            assert deadline.passed is step["passed"], where
        elif "binds" in step:
            pattern = r"^the call's deadline of" if step["binds"] == "total" else r"without a successful request"
            assert re.search(pattern, deadline.describe()), where
        else:  # pragma: no cover - a step the file added without a test
            raise AssertionError(f"unknown step {step}")


@USE_ASYNC
@ANYIO
@pytest.mark.parametrize("case", cases("deadline_retries"), ids=case_id)
async def test_deadline_retry_through_the_client(use_async: bool, case: dict[str, Any]) -> None:
    script = Script([status(503, headers={"Retry-After": case["retry_after"]}), ok()])
    config = make_config(retry=policy(case["policy"], max_retries=3))
    if case["retried"]:
        response = await call(use_async, config, script, sleeps=[])
        assert response.status_code == 200 and len(script.requests) == 2
    else:
        with pytest.raises(APIError) as caught:
            await call(use_async, config, script, sleeps=[])
        assert caught.value.status == 503 and len(script.requests) == 1
        assert caught.value.gave_up is not None and "passed" in caught.value.gave_up
