"""Shared pytest configuration.

Async tests use anyio's pytest plugin (anyio ships with httpx): mark them ``@pytest.mark.anyio``.
Tests marked ``emulator_only`` are skipped when the ``PYGEN_TEST_CDF_*`` variables name a CDF target
(tests/cdf_target.py); ``cdf_run`` is the generated-SDK suites' deployment there (tests/sdk_target.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sdk_target
from testdata import MODEL_NAMES, MODELS_DIR, OMNI_NODES, RETRY_RULES


def pytest_configure(config: pytest.Config) -> None:
    """Fail the whole run, loudly, when the test data in ``tests/data`` is incomplete.

    Many tests are parametrized over the model dumps: without this check a missing file would
    quietly turn them into "empty parameter set" skips instead of failures.
    """
    expected = [*(MODELS_DIR / f"{name}.json" for name in MODEL_NAMES), OMNI_NODES, RETRY_RULES]
    missing = [str(path) for path in expected if not path.is_file()]
    if missing:
        raise pytest.UsageError(f"test data not found: {', '.join(missing)} (it is part of the repository: restore it)")
    config.addinivalue_line(
        "markers", "emulator_only: needs the emulator itself (faults, its processes); skipped against a CDF target"
    )


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own hook, whose renaming this checks and completes
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _xdist_groups(config, items)
    if getattr(config, "workerinput", None) is not None:
        # On pytest-xdist's workers the modules with a test marked `slow` go first, each whole (its module
        # fixtures start once) and in its place among them: the scheduler hands out the groups, then the other
        # tests in this order, so a test of a minute never starts last on one worker while the other is idle.
        slow = {item.path for item in items if item.get_closest_marker("slow")}
        items.sort(key=lambda item: item.path not in slow)
    if sdk_target.TARGET is None:
        return
    skip = pytest.mark.skip(reason="emulator-only feature; the target is a real CDF project")
    for item in items:
        if item.get_closest_marker("emulator_only"):
            item.add_marker(skip)


def _xdist_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a pytest-xdist worker under ``--dist loadgroup`` (tests/run), put each ``xdist_group`` test in its group.

    The scheduler groups the tests whose node id ends in ``@<group>``; pytest-xdist (3.8) appends it to
    ``item._nodeid``, which pytest 9.2 no longer reads (a node's id is ``item._id``, a ``NodeId``): then no test
    was grouped, and each worker started the module and session fixtures of a group (servers, builds) again.
    The suffix is appended here when it is missing, and a pytest that keeps it from the node id stops the run:
    a silently ungrouped run takes minutes longer.
    """
    if not getattr(config.option, "loadgroup", False):  # set on the workers of a --dist loadgroup run only
        return
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if not names:
            continue
        suffix = "@" + "_".join(sorted(names))
        if item.nodeid.endswith(suffix):  # pytest-xdist's renaming worked (pytest before 9.2)
            continue
        node_id = getattr(item, "_id", None)
        if node_id is not None:
            item._id = type(node_id).parse(item.nodeid + suffix)
        if not item.nodeid.endswith(suffix):
            raise pytest.UsageError(
                f"--dist loadgroup cannot group {item.nodeid} (xdist_group {suffix[1:]}): this pytest keeps the"
                " group out of the node id; tests/conftest.py's _xdist_groups needs updating for it"
            )


@pytest.fixture(scope="session")
def cdf_run() -> Iterator[sdk_target.Deployment | None]:
    """On a CDF target, what the generated-SDK suites deployed there (deleted at the end); None on the emulator."""
    if sdk_target.TARGET is None:
        yield None
        return
    run = sdk_target.Deployment(sdk_target.TARGET)
    try:
        yield run
    finally:
        run.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the OS keyring: the null backend unless a test selects another."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
