"""The process's one chart-image browser (kaleido 1.x), started early and kept warm.

Starting headless Chromium costs 2-3 s (more on a busy machine); an image from a running one
about 0.1-0.3 s. So the browser starts in the background as soon as an export is in sight
(the app server's start, the briefing command's start), is shared by every session of the
process, and stops when the process ends.
"""

import asyncio
import atexit
import threading
from concurrent.futures import Future
from typing import Any

import kaleido

# A tab is reloaded after this many images (memory hygiene), instead of after every one.
RELOAD_EVERY = 100
START_TIMEOUT_S = 120.0  # a cold Chromium on a machine under heavy load
IMAGE_TIMEOUT_S = 90.0


class _WarmTabKaleido(kaleido.Kaleido):
    """kaleido's browser, keeping its tab between images instead of reloading it each time."""

    # kaleido reloads the tab after every image, so plotly.js (4.7 MB) is parsed again each
    # time. Plotly.toImage draws in a detached element and purges it, so an image leaves
    # nothing behind in the page; a reload now and then still frees what the tab piles up.
    _images = 0

    async def _return_kaleido_tab(self, tab: Any) -> None:
        self._images += 1
        if self._images % RELOAD_EVERY == 0:
            await tab.reload()
        await self.tabs_ready.put(tab)


class ImageBrowser:
    """One headless browser on an event loop of its own, drawing one image at a time."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="chart-images", daemon=True
        )
        self._thread.start()
        self._browser: Future[_WarmTabKaleido] = asyncio.run_coroutine_threadsafe(
            self._open(), self._loop
        )

    @staticmethod
    async def _open() -> _WarmTabKaleido:
        # No MathJax: no chart uses LaTeX, and kaleido would fetch it from a CDN on every
        # page load (a request to a third party, and a wait when offline).
        browser = _WarmTabKaleido(mathjax=False, timeout=IMAGE_TIMEOUT_S)
        await browser.open()
        # At exit the browser must stop before its profile folder is removed (a finalizer
        # registered when the folder was made); exit handlers run last-registered first.
        atexit.register(stop_image_browser)
        return browser

    def draw(self, spec: dict[str, Any], opts: dict[str, Any], topojson: str | None) -> bytes:
        """The figure spec drawn as an image (waits for the browser's start if need be)."""
        return self.submit(spec, opts, topojson).result(timeout=START_TIMEOUT_S + IMAGE_TIMEOUT_S)

    def submit(
        self, spec: dict[str, Any], opts: dict[str, Any], topojson: str | None
    ) -> Future[bytes]:
        """The image to come: the caller goes on (building the next figure) while it is drawn."""
        return asyncio.run_coroutine_threadsafe(self._drawn(spec, opts, topojson), self._loop)

    async def _drawn(
        self, spec: dict[str, Any], opts: dict[str, Any], topojson: str | None
    ) -> bytes:
        started = asyncio.wrap_future(self._browser)
        browser = await asyncio.wait_for(started, START_TIMEOUT_S)
        return bytes(await browser.calc_fig(spec, opts=opts, topojson=topojson))

    def failed(self) -> bool:
        """Whether the browser could not start (it is then started anew on the next call)."""
        return self._browser.done() and self._browser.exception() is not None

    def close(self) -> None:
        """Stop the browser (once it has started, so that no browser outlives the process)
        and its loop."""
        try:
            browser = self._browser.result(timeout=START_TIMEOUT_S)
        except Exception:  # it never started: nothing to stop
            browser = None
        if browser is not None:
            closing = asyncio.run_coroutine_threadsafe(browser.close(), self._loop)
            closing.result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)


_LOCK = threading.Lock()
_browser: ImageBrowser | None = None


def image_browser() -> ImageBrowser:
    """The process's image browser, starting it in the background if it is not running."""
    global _browser
    with _LOCK:
        if _browser is not None and _browser.failed():
            _browser.close()
            _browser = None
        if _browser is None:
            _browser = ImageBrowser()
        return _browser


def stop_image_browser() -> None:
    """Stop the process's image browser if it runs (it also stops when the process ends)."""
    global _browser
    with _LOCK:
        browser, _browser = _browser, None
    if browser is not None:
        browser.close()


atexit.register(stop_image_browser)
