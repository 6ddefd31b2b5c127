"""A kaleido renderer that keeps one Chromium and reuses its tabs between images.

Why: kaleido reloads a tab (re-parsing the 4.7 MB plotly.js) after every image and
waits for that reload before answering, so each format of each figure costs about
0.4 s, most of it the reload. An image leaves nothing behind in the tab: kaleido's
``kaleido_scopes.plotly`` keeps its state in local variables, ``Plotly.toImage``
draws into a temporary element and purges it, and the PDF page's image and style
are replaced on each call. So a tab is reloaded only every :data:`RELOAD_EVERY`
images (to bound memory) or after an error, in the background; with several tabs
the formats of one figure render at once. About 0.1 s per format instead of 0.4 s.

The renderer runs kaleido's own ``Kaleido`` class on an event loop in a thread; the
only change is :meth:`_ReusingKaleido._return_kaleido_tab` (a kaleido 1.x
internal). Should a kaleido release drop that method, the override is never called
and rendering simply takes kaleido's usual time.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future

__all__ = ["Renderer"]

log = logging.getLogger(__name__)

START_TIMEOUT_S = 120.0
RENDER_TIMEOUT_S = 300.0
RELOAD_EVERY = 25
"""Images a tab renders between reloads."""


def _kaleido_class():
    from kaleido import Kaleido

    class _ReusingKaleido(Kaleido):
        """Kaleido that reuses a tab, reloading it now and then in the background."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._reloading: set[asyncio.Task] = set()
            self._renders: dict[int, int] = {}
            self.reload_all = False  # set after an error: reload each tab once

        async def _return_kaleido_tab(self, tab) -> None:
            count = self._renders.get(id(tab), 0) + 1
            if count < RELOAD_EVERY and not self.reload_all:
                self._renders[id(tab)] = count
                await self.tabs_ready.put(tab)
                return
            self._renders[id(tab)] = 0
            task = asyncio.create_task(self._reload_and_return(tab))
            self._reloading.add(task)
            task.add_done_callback(self._reloading.discard)

        async def _reload_and_return(self, tab) -> None:
            try:
                await Kaleido._return_kaleido_tab(self, tab)
            except Exception:  # a tab that failed to reload would be lost: keep it
                log.warning("a kaleido tab failed to reload; reusing it", exc_info=True)
                await self.tabs_ready.put(tab)

        async def drain(self) -> None:
            """Wait for the background reloads (before the browser closes)."""
            if self._reloading:
                await asyncio.gather(*self._reloading, return_exceptions=True)

    return _ReusingKaleido


class Renderer:
    """One Chromium with ``tabs`` kaleido tabs, driven from any thread.

    Use as a context manager, or call :meth:`close`. :meth:`render` turns figure
    dicts into image bytes, rendering up to ``tabs`` of them at once.
    """

    def __init__(self, tabs: int = 1) -> None:
        self._tabs = tabs
        self._loop = asyncio.new_event_loop()
        self._started: Future[None] = Future()
        self._stop: asyncio.Event | None = None
        self._kaleido = None
        self._thread = threading.Thread(target=self._run, name="figure-renderer", daemon=True)
        self._thread.start()
        try:
            self._started.result(timeout=START_TIMEOUT_S)
        except BaseException:
            self._thread.join(timeout=5)
            raise

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        try:
            async with _kaleido_class()(n=self._tabs, mathjax=False) as kaleido:
                self._kaleido = kaleido
                self._stop = asyncio.Event()
                self._started.set_result(None)
                await self._stop.wait()
                await kaleido.drain()
        except BaseException as err:
            if not self._started.done():
                self._started.set_exception(err)
            else:
                log.warning("figure renderer stopped with an error", exc_info=True)

    def render(self, jobs: Sequence[tuple[dict, dict]]) -> list[bytes]:
        """Render ``(figure dict, kaleido opts)`` pairs; returns bytes in the same order."""
        if self._kaleido is None or not self._thread.is_alive():
            raise RuntimeError("the figure renderer is not running")
        kaleido = self._kaleido

        async def render_all() -> list[bytes]:
            kaleido.reload_all = False
            try:
                return await asyncio.gather(
                    *(kaleido.calc_fig(fig, opts=opts) for fig, opts in jobs)
                )
            except BaseException:
                kaleido.reload_all = True  # tabs go back fresh after a failed image
                raise

        future = asyncio.run_coroutine_threadsafe(render_all(), self._loop)
        return future.result(timeout=RENDER_TIMEOUT_S)

    @property
    def running(self) -> bool:
        return self._kaleido is not None and self._thread.is_alive()

    def close(self) -> None:
        """Stop the browser (after any background reloads) and the thread."""
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=60)
        self._kaleido = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
