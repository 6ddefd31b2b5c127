"""Where a batch's jobs run: this machine's cores, or a Ray cluster (`engine=`).

Why one interface: calibration, sensitivity, robustness and the out-of-sample test
submit the same kind of job (one configuration's replications) and must get the same
rows back wherever it ran. An engine is told once what every job shares (the composed
designs), then runs tasks and yields each result as it arrives. Rows never depend on
the engine: a job's seeds come from its configuration (`sim.run.seeds`).

- ``local`` (the default): a pool of spawned processes on this machine. Each worker
  ignores Ctrl-C (the command stops them; no tracebacks from every worker) and
  watches the command's process: if it dies (``kill -9``, SIGTERM) the worker exits
  at once, so no orphan goes on running or holds the command's output open.
- ``ray``: a local Ray instance of `workers` CPUs, started and shut down by the
  command (the same code path as a cluster, on this machine); ``auto``,
  ``HOST:PORT`` or ``ray://HOST:PORT``: a running Ray cluster (the engine the sweeps'
  `hydra/launcher=ray` uses). A cluster's workers belong to the cluster: each piece is
  written by the command, never by a worker, so a task still running there after a
  kill writes nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from sim.errors import UsageError

__all__ = ["ENGINES", "Engine", "WorkerLost", "make_engine", "watch_parent"]

ENGINES = ("local", "ray")
Task = tuple[int, Any]  # (task id, argument)


class WorkerLost(RuntimeError):
    """A worker process died (killed, out of memory) while running a task."""


class Engine(Protocol):
    """Runs `fn(shared, argument)` for each task; yields (task id, result) as they finish."""

    workers: int

    def run(
        self, fn: Callable[[Any, Any], Any], shared: Any, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, Any]]: ...


def make_engine(name: str, workers: int = 0) -> Engine:
    """The engine `name` names (`local`, `ray`, or a Ray cluster's address)."""
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 0:
        raise UsageError(f"workers = {workers!r} is not allowed: expected 0 (every core) or more")
    cores = workers or os.cpu_count() or 1
    text = str(name).strip()
    if text == "local":
        return LocalEngine(cores)
    if text == "ray":
        return RayEngine(None, cores)
    if text.startswith("ray://") or text == "auto" or text.count(":") == 1:
        return RayEngine(text, cores)
    raise UsageError(
        f"engine = {name!r} is not allowed: expected local, ray (a local Ray instance of "
        "`workers` CPUs), or a running Ray cluster: auto, HOST:PORT or ray://HOST:PORT"
    )


# ------------------------------------------------------------------ local processes

_SHARED: Any = None


def watch_parent(parent: int) -> None:
    """Exit this process as soon as `parent` is no longer its parent (it died)."""
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _start_worker(parent: int, shared: Any) -> None:
    global _SHARED
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command handles Ctrl-C
    watch_parent(parent)
    _SHARED = shared


def _call(fn: Callable[[Any, Any], Any], argument: Any) -> Any:
    return fn(_SHARED, argument)


class LocalEngine:
    """Spawned worker processes on this machine (or this process alone for one worker)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(
        self, fn: Callable[[Any, Any], Any], shared: Any, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, Any]]:
        if self.workers == 1:  # no pool: the same function, in order
            for task_id, argument in tasks:
                yield task_id, fn(shared, argument)
            return
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool
        from multiprocessing import get_context

        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=get_context("spawn"),  # not fork: the caller may have threads
            initializer=_start_worker,
            initargs=(os.getpid(), shared),
        )
        pending: dict[Any, int] = {}
        todo = iter(tasks)
        try:
            while True:
                for task_id, argument in todo:  # a few tasks ahead of the workers
                    pending[pool.submit(_call, fn, argument)] = task_id
                    if len(pending) >= 2 * self.workers:
                        break
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task_id = pending.pop(future)
                    try:
                        yield task_id, future.result()
                    except BrokenProcessPool as err:
                        raise WorkerLost(
                            "a worker process died while running (killed, or out of memory)"
                        ) from err
        finally:
            _stop(pool)


def _stop(pool: Any) -> None:
    """Stop a pool now: cancel what waits, end the workers (an interrupt must not wait)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


# ------------------------------------------------------------------ Ray


def _ray_call(fn: Callable[[Any, Any], Any], shared: Any, argument: Any) -> Any:
    return fn(shared, argument)


class RayEngine:
    """Ray: a local instance of `workers` CPUs (`address` None), or a running cluster."""

    def __init__(self, address: str | None, workers: int) -> None:
        self.address = address
        self.workers = workers

    def run(
        self, fn: Callable[[Any, Any], Any], shared: Any, tasks: Iterable[Task]
    ) -> Iterator[tuple[int, Any]]:
        import ray

        started = not ray.is_initialized()
        if started:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address is None:
                options["num_cpus"] = self.workers
            else:
                options["address"] = self.address
            try:
                ray.init(**options)
            except (ConnectionError, ValueError, RuntimeError) as err:
                raise UsageError(f"engine = {self.address}: no Ray cluster there ({err})") from err
        remote = ray.remote(num_cpus=1, max_retries=0)(_ray_call)
        try:
            handle = ray.put(shared)
            window = 2 * max(self.workers, int(ray.cluster_resources().get("CPU", 1)))
            pending: dict[Any, int] = {}
            todo = iter(tasks)
            while True:
                for task_id, argument in todo:
                    pending[remote.remote(fn, handle, argument)] = task_id
                    if len(pending) >= window:
                        break
                if not pending:
                    break
                (ready,), _ = ray.wait(list(pending), num_returns=1)
                task_id = pending.pop(ready)
                try:
                    result = ray.get(ready)
                except ray.exceptions.RayTaskError as err:
                    raise err.as_instanceof_cause() from None
                except ray.exceptions.RayError as err:
                    raise WorkerLost(f"a Ray worker was lost: {err}") from err
                yield task_id, result
        finally:
            for ref in list(locals().get("pending") or {}):
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)
            if started:
                with contextlib.suppress(Exception):
                    ray.shutdown()
