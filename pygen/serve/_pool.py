"""Worker processes that run the generations, at most ``max-concurrency`` at once, each stoppable.

Why processes and not threads: generation is CPU work (templates, then ruff), so threads would share one core
under the GIL; and a thread cannot be stopped, so a generation past ``generation-timeout`` would keep its core
busy. A worker that overruns is killed and replaced, and the request gets a 504.

The idle workers are the semaphore: a request takes one from the queue (waiting at most ``queue-timeout``,
with at most ``max-waiting`` requests waiting, else 503 with ``Retry-After``) and gives it back when done.
Workers are started with ``spawn`` (a fresh interpreter: no state copied from the server), import the generator
and compile its templates before taking work, and exit when the server's end of their pipe closes.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from pygen.serve._requests import RequestProblem

__all__ = ["PoolStats", "WorkerPool"]

_STARTUP_TIMEOUT = 120.0


def _worker_main(conn: Connection) -> None:
    """A worker's life: warm up, say ready, then answer jobs until the pipe closes (or a ``None`` job)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the server stops the workers
    from pygen.serve._jobs import run_job, warm_up

    try:
        warm_up()
    except Exception as exc:  # noqa: BLE001 - reported to the server, which refuses to start
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            answer = run_job(job)
        except Exception as exc:  # noqa: BLE001 - a bug of pygen's: the request gets a 500, the worker lives on
            answer = {"status": 500, "json": {"error": {"code": "internal", "message": "generation failed"}}}
            answer["crash"] = type(exc).__name__
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child,), name="pygen-serve-worker", daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise RuntimeError(f"a worker process did not start within {timeout:g} s")
        state, detail = self.conn.recv()
        if state != "ready":
            raise RuntimeError(f"a worker process could not start: {detail}")
        self.ready = True

    def call(self, job: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """The job's answer, or None when it took longer than ``timeout`` (the caller kills this worker)."""
        self.wait_ready(_STARTUP_TIMEOUT)
        self.conn.send(job)
        if not self.conn.poll(timeout):
            return None
        answer: dict[str, Any] = self.conn.recv()
        return answer

    def stop(self, *, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


@dataclass
class PoolStats:
    """What the pool has done, for ``GET /v1/health`` and the logs."""

    size: int
    running: int = 0
    waiting: int = 0
    peak_running: int = 0
    peak_waiting: int = 0
    completed: int = 0
    timeouts: int = 0
    rejected: int = 0
    crashed: int = 0
    seconds: float = 0.0  # total time in jobs, for Retry-After

    def as_json(self) -> dict[str, Any]:
        return {
            "max_concurrency": self.size,
            "running": self.running,
            "waiting": self.waiting,
            "peak_running": self.peak_running,
            "peak_waiting": self.peak_waiting,
            "completed": self.completed,
            "timeouts": self.timeouts,
            "rejected": self.rejected,
        }


class WorkerPool:
    """``size`` worker processes; :meth:`run` does a job in one of them, bounded as the module says."""

    def __init__(self, size: int, *, queue_timeout: float, max_waiting: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._size = size
        self._queue_timeout = queue_timeout
        self._max_waiting = max_waiting
        self._workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] | None = None
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="pygen-serve-pool")
        self.stats = PoolStats(size)

    def start(self) -> None:
        """Start the workers and wait until each is ready (raises RuntimeError when one cannot start)."""
        self._workers = [_Worker(self._context) for _ in range(self._size)]
        try:
            for worker in self._workers:
                worker.wait_ready(_STARTUP_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:  # made on the event loop that serves the requests
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        return self._idle

    def retry_after(self) -> int:
        """Seconds after which a refused request may find a worker: the queue ahead of it at the mean job time."""
        stats = self.stats
        mean = stats.seconds / stats.completed if stats.completed else 1.0
        return max(1, math.ceil(mean * (stats.waiting + stats.running) / self._size))

    async def run(self, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Do ``job`` in a worker within ``timeout`` seconds; :class:`RequestProblem` 503 (busy) or 504 (too long)."""
        idle = self._queue()
        stats = self.stats
        if stats.waiting == 0 and not idle.empty():  # a free worker and nobody before this request
            worker = idle.get_nowait()
        else:
            worker = await self._wait_for_worker(idle)
        stats.running += 1
        stats.peak_running = max(stats.peak_running, stats.running)
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        try:
            answer = await loop.run_in_executor(self._threads, worker.call, job, timeout)
        except (EOFError, OSError):
            answer = {"status": 500, "json": {"error": {"code": "internal", "message": "the worker process died"}}}
            answer["crash"] = "worker died"
        finally:
            stats.running -= 1
        elapsed = time.monotonic() - started
        if answer is None or "crash" in answer:
            worker.stop(kill=True)  # overran or died: a fresh one takes its place
            worker = _Worker(self._context)
            self._workers = [w for w in self._workers if w.process.is_alive()] + [worker]
        idle.put_nowait(worker)
        if answer is None:
            stats.timeouts += 1
            raise RequestProblem(
                504,
                "timeout",
                f"generation took longer than {timeout:g} s (generation-timeout) and was stopped; the models may be "
                "too large for this service",
            )
        if "crash" in answer:
            stats.crashed += 1
        stats.completed += 1
        stats.seconds += elapsed
        return answer

    async def _wait_for_worker(self, idle: asyncio.Queue[_Worker]) -> _Worker:
        stats = self.stats
        if stats.waiting >= self._max_waiting:
            stats.rejected += 1
            raise self._busy(f"{stats.running} generating and {stats.waiting} waiting (max-waiting)")
        stats.waiting += 1
        stats.peak_waiting = max(stats.peak_waiting, stats.waiting)
        try:
            return await asyncio.wait_for(idle.get(), self._queue_timeout)
        except asyncio.TimeoutError:
            stats.rejected += 1
            raise self._busy(
                f"no worker became free within {self._queue_timeout:g} s (queue-timeout); {stats.running} generating"
            ) from None
        finally:
            stats.waiting -= 1

    def _busy(self, why: str) -> RequestProblem:
        return RequestProblem(
            503,
            "busy",
            f"the service is busy: {why}; try again later",
            {"retry_after": self.retry_after()},
        )

    def close(self) -> None:
        """Stop every worker (those in the middle of a job are killed)."""
        for worker in self._workers:
            worker.stop()
        self._workers = []
        self._threads.shutdown(wait=False, cancel_futures=True)
