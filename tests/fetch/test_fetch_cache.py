"""The user cache: where it lives, hits and misses, corrupt entries, and one fetch under concurrency."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import filelock
import pytest
from testdata import MODELS_DIR, REPO_ROOT

from pygen.generator.fetch import (
    CacheError,
    CacheKey,
    ModelCache,
    ModelRef,
    PygenFetchError,
    SnapshotError,
    default_cache_dir,
    dump_snapshot,
)

OMNI = ModelRef("sp_pygen_models", "Omni", "1")


def _key(base_url: str = "https://api.cognitedata.com", project: str = "proj") -> CacheKey:
    return CacheKey(base_url, project, OMNI)


# --- location ----------------------------------------------------------------------------------------


def test_default_root_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "pygen"
    assert ModelCache().root == tmp_path / "xdg" / "pygen"


def test_env_var_overrides_platform_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / "mine"))
    assert ModelCache().root == tmp_path / "mine"
    monkeypatch.setenv("PYGEN_CACHE_DIR", "   ")  # blank counts as unset
    assert ModelCache().root == default_cache_dir() != tmp_path / "mine"


def test_constructor_argument_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYGEN_CACHE_DIR", str(tmp_path / "env"))
    assert ModelCache(tmp_path / "arg").root == tmp_path / "arg"


def test_path_layout_hides_url_and_project(tmp_path: Path) -> None:
    cache = ModelCache(tmp_path)
    path = cache.path(_key("https://my-secret-cluster.cognitedata.com", "acme-prod"))
    relative = path.relative_to(tmp_path)
    assert relative.parts[0] == "models-v1"
    assert len(relative.parts[1]) == 32 and all(c in "0123456789abcdef" for c in relative.parts[1])
    assert relative.parts[2] == "sp_pygen_models.Omni.1.json"
    assert "cognitedata" not in str(path) and "acme" not in str(path)


def test_equivalent_base_urls_share_an_entry_and_others_do_not(tmp_path: Path) -> None:
    cache = ModelCache(tmp_path)
    same = {
        cache.path(_key(url))
        for url in ["https://api.cognitedata.com", "HTTPS://API.cognitedata.com/", " https://api.cognitedata.com "]
    }
    assert len(same) == 1
    assert cache.path(_key("https://westeurope-1.cognitedata.com")) not in same
    assert cache.path(_key(project="other")) not in same


@pytest.mark.parametrize(
    ("base_url", "project", "message"),
    [
        ("api.cognitedata.com", "p", "invalid base URL 'api.cognitedata.com'"),
        ("ftp://x", "p", "invalid base URL"),
        ("https://x?a=1", "p", "must not have a query"),
        ("https://x:notaport", "p", "bad port"),
        ("https://x", "  ", "invalid CDF project name"),
    ],
)
def test_bad_keys(base_url: str, project: str, message: str) -> None:
    with pytest.raises(PygenFetchError, match=message):
        CacheKey(base_url, project, OMNI)


def test_url_with_credentials_is_refused_without_echoing_it() -> None:
    with pytest.raises(PygenFetchError) as info:
        CacheKey("https://user:hunter2@api.cognitedata.com", "p", OMNI)
    assert "hunter2" not in str(info.value)
    assert "contains a user name or password" in str(info.value)


def test_key_accepts_a_reference_string() -> None:
    assert CacheKey("https://x", "p", "sp_pygen_models:Omni/1").model == OMNI  # type: ignore[arg-type]


# --- get / put ---------------------------------------------------------------------------------------


def test_miss_then_hit(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path)
    assert cache.get(_key()) is None
    path = cache.put(_key(), omni)
    assert path == cache.path(_key())
    assert path.read_text(encoding="utf-8") == dump_snapshot(omni)
    assert cache.get(_key()) == omni
    assert cache.get(_key(project="other")) is None
    assert cache.invalidate(_key()) is True
    assert cache.invalidate(_key()) is False
    assert cache.get(_key()) is None


@pytest.mark.parametrize(
    "content",
    [b"", b'{"space": "sp_pygen_models", "externalId": "Omni", "vers', b"[1, 2]", b"\xff\xfe", b'{"views": []}'],
    ids=["empty", "truncated", "list", "binary", "missing-keys"],
)
def test_corrupt_entry_is_a_miss_with_a_warning(
    content: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ModelCache(tmp_path)
    path = cache.path(_key())
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="pygen.generator.fetch"):
        assert cache.get(_key()) is None
    assert len(caplog.records) == 1
    assert str(path) in caplog.records[0].getMessage()
    assert "will be fetched again" in caplog.records[0].getMessage()


def test_corrupt_entry_is_replaced_by_get_or_fetch(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path)
    path = cache.path(_key())
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"trunc')
    assert cache.get_or_fetch(_key(), lambda: omni) == omni
    assert cache.get(_key()) == omni


def test_entry_holding_another_model_is_a_miss(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path)
    path = cache.path(_key())
    path.parent.mkdir(parents=True)
    path.write_text(dump_snapshot(dict(omni, version="2")), encoding="utf-8")
    assert cache.get(_key()) is None


def test_put_refuses_a_model_under_another_key(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path)
    with pytest.raises(
        SnapshotError, match="cannot cache data model sp_pygen_models:Omni/2 under the key of sp_pygen_models:Omni/1"
    ):
        cache.put(_key(), dict(omni, version="2"))
    with pytest.raises(SnapshotError, match="missing key 'views'"):
        cache.put(_key(), {k: v for k, v in omni.items() if k != "views"})
    assert not cache.path(_key()).exists()


def test_unreadable_entry_is_a_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = ModelCache(tmp_path)
    cache.path(_key()).mkdir(parents=True)  # a directory where the file should be
    with caplog.at_level(logging.WARNING, logger="pygen.generator.fetch"):
        assert cache.get(_key()) is None
    assert "unreadable cache file" in caplog.text


# --- get_or_fetch and the lock -------------------------------------------------------------------------


def test_get_or_fetch_fetches_once_then_hits(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path)
    calls: list[int] = []

    def fetch() -> dict[str, Any]:
        calls.append(1)
        return omni

    assert cache.get_or_fetch(_key(), fetch) == omni
    assert cache.get_or_fetch(_key(), fetch) == omni
    assert ModelCache(tmp_path).get_or_fetch(_key(), fetch) == omni
    assert len(calls) == 1
    assert cache.get_or_fetch(_key(), fetch, refresh=True) == omni
    assert len(calls) == 2


def test_failed_fetch_caches_nothing_and_releases_the_lock(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path)

    def fail() -> dict[str, Any]:
        raise RuntimeError("network down")

    with pytest.raises(RuntimeError, match="network down"):
        cache.get_or_fetch(_key(), fail)
    assert cache.get(_key()) is None
    assert not cache.lock(_key()).is_locked
    assert cache.get_or_fetch(_key(), lambda: omni) == omni


def test_fetch_returning_the_wrong_model_is_an_error(tmp_path: Path, omni: dict[str, Any]) -> None:
    with pytest.raises(SnapshotError, match="cannot cache data model"):
        ModelCache(tmp_path).get_or_fetch(_key(), lambda: dict(omni, externalId="Other"))


def test_eight_threads_fetch_once(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path)
    calls: list[int] = []
    barrier = threading.Barrier(8)
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def fetch() -> dict[str, Any]:
        calls.append(1)
        time.sleep(0.2)  # long enough that the other threads pile up on the lock
        return omni

    def run() -> None:
        try:
            barrier.wait()
            results.append(ModelCache(tmp_path).get_or_fetch(_key(), fetch))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(calls) == 1
    assert results == [omni] * 8
    assert cache.get(_key()) == omni


def test_waiting_for_another_fetcher_is_announced(tmp_path: Path, omni: dict[str, Any]) -> None:
    """A build that waits on another process's fetch says so before it waits, instead of going quiet."""
    cache = ModelCache(tmp_path)
    lines: list[str] = []
    results: list[dict[str, Any]] = []
    held = cache.lock(_key())
    held.acquire()
    try:
        waiter = threading.Thread(
            target=lambda: results.append(ModelCache(tmp_path).get_or_fetch(_key(), _fail, waiting=lines.append))
        )
        waiter.start()
        deadline = time.monotonic() + 10
        while not lines and time.monotonic() < deadline:
            time.sleep(0.01)
        cache.put(_key(), omni)  # the other process finishes its fetch
    finally:
        held.release()
    waiter.join(10)
    assert lines == [
        f"pygen: waiting for another pygen process that is fetching {_key()} "
        f"(lock file {cache.path(_key())}.lock; up to {cache.lock_timeout:g} s)"
    ]
    assert results == [omni]  # taken from the cache, not fetched again


def _fail() -> dict[str, Any]:
    raise AssertionError("must not fetch: the other process already did")


FETCHER_SCRIPT = """
import json, os, sys, time
from pathlib import Path
from pygen.generator.fetch import CacheKey, ModelCache, ModelRef
root, model_file, calls, ready, go = (Path(a) for a in sys.argv[1:6])
ready.touch()
while not go.exists():
    time.sleep(0.01)

def fetch():
    with open(calls, "a") as f:
        f.write("fetch\\n")
    time.sleep(0.3)
    return json.loads(model_file.read_text(encoding="utf-8"))

key = CacheKey("https://api.cognitedata.com", "proj", ModelRef("sp_pygen_models", "Omni", "1"))
model = ModelCache(root).get_or_fetch(key, fetch)
print(model["externalId"])
"""


@pytest.mark.once  # eight processes and a file lock: the same on every Python
def test_eight_processes_fetch_once(tmp_path: Path, omni: dict[str, Any]) -> None:
    root, calls, go = tmp_path / "cache", tmp_path / "calls.txt", tmp_path / "go"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                FETCHER_SCRIPT,
                str(root),
                str(MODELS_DIR / "Omni.json"),
                str(calls),
                str(tmp_path / f"ready{n}"),
                str(go),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    try:
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready{n}").exists() for n in range(8)):
            assert time.monotonic() < deadline, "fetcher processes did not start"
            time.sleep(0.02)
        go.touch()  # release all eight at once
        outputs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0] * 8
    assert [o.strip() for o in outputs] == ["Omni"] * 8
    assert calls.read_text().splitlines() == ["fetch"]
    assert ModelCache(root).get(_key()) == omni
    assert [p.name for p in ModelCache(root).path(_key()).parent.iterdir() if p.name.endswith(".tmp")] == []


def test_lock_timeout_is_a_clear_error(tmp_path: Path, omni: dict[str, Any]) -> None:
    cache = ModelCache(tmp_path, lock_timeout=0.1)
    holder = filelock.FileLock(str(cache.path(_key())) + ".lock")
    acquired, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder:
            acquired.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        acquired.wait(30)
        with pytest.raises(
            CacheError, match=r"timed out after 0.1 s waiting for another pygen process to fetch sp_pygen_models:Omni/1"
        ) as info:
            cache.get_or_fetch(_key(), lambda: omni)
        assert ".lock" in str(info.value)
    finally:
        release.set()
        thread.join()
    assert cache.get_or_fetch(_key(), lambda: omni) == omni


def test_cache_file_is_just_the_model(tmp_path: Path, omni: dict[str, Any]) -> None:
    path = ModelCache(tmp_path).put(_key(), omni)
    assert json.loads(path.read_text(encoding="utf-8")) == omni


def test_unusable_cache_dir_still_fetches(
    tmp_path: Path, omni: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache root should be")
    cache = ModelCache(blocker)
    with caplog.at_level(logging.WARNING, logger="pygen.generator.fetch"):
        assert cache.get_or_fetch(_key(), lambda: omni) == omni
    assert "cannot use the cache" in caplog.text


def test_failed_cache_write_still_returns_the_model(
    tmp_path: Path, omni: dict[str, Any], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ModelCache(tmp_path)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pygen.generator.fetch._snapshot.atomic_write_bytes", disk_full)
    with caplog.at_level(logging.WARNING, logger="pygen.generator.fetch"):
        assert cache.get_or_fetch(_key(), lambda: omni) == omni
    assert "could not write the cache entry" in caplog.text and "No space left" in caplog.text
    assert cache.get(_key()) is None
    assert not cache.lock(_key()).is_locked


def test_importing_pygen_fetch_does_not_import_keyring() -> None:
    code = "import sys, pygen.generator.fetch; print('keyring' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO_ROOT)
    assert out.stdout.strip() == "False"
