"""Read scan pages in child processes, each under a memory limit.

One hostile or broken file (a 1 KB PDF declaring a page of several square metres, a
decompression bomb, a crash inside a decoder) must fail alone with a clear reason and
never take the server's memory: every page is decoded and read in a worker process whose
data segment is capped with ``resource.setrlimit``; a worker that dies is replaced and
its page refused (``reader_failed``). Pages are decoded one at a time from the file's
path, so memory does not grow with the size of a batch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import resource
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from phieukin.paper.layout import BallotLayout
from phieukin.paper.omr.images import Source, load_page
from phieukin.paper.omr.reader import SCALE, read_page
from phieukin.paper.omr.types import PageReading, PageRefused, SheetId

MEMORY_LIMIT_MB = 320  # per worker, above what it holds when idle
PAGE_JPEG_QUALITY = 80
TRIM_PIXELS = 6_000_000  # after a page larger than this (a photo, a 300 dpi scan), trim
LayoutKey = tuple[str, int]


@dataclass
class PageResult:
    """The outcome of one page: a reading, or a refusal code with its detail.

    ``page_jpeg`` is the page resampled to the canonical raster (JPEG), shown whole to a
    reviewer with every row's reading drawn on it.
    """

    reading: PageReading | None
    refusal: str = ""
    detail: str = ""
    page_jpeg: bytes = b""


_layouts: dict[LayoutKey, BallotLayout] = {}


def _limit_memory(megabytes: int) -> None:
    """Cap this process's data segment at its current size plus ``megabytes``."""
    current = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    current = int(line.split()[1]) * 1024
    except OSError:
        pass
    limit = current + megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _init(layouts: dict[LayoutKey, BallotLayout], megabytes: int) -> None:
    cv2.setNumThreads(1)
    _layouts.clear()
    _layouts.update(layouts)
    if megabytes:
        _limit_memory(megabytes)


def _layout_for(sheet: SheetId) -> BallotLayout:
    return _layouts[(sheet.questionnaire_code, sheet.questionnaire_version)]


def read_one(source: Source, name: str, index: int) -> PageResult:
    """Decode and read one page here (in the calling process); never raise for a bad page."""
    try:
        image = load_page(source, name, index)
    except PageRefused as exc:
        return PageResult(None, exc.reason, exc.detail)
    except Exception as exc:  # a decoder's own error: refuse the page, keep the batch going
        return _failed(exc)
    large = image.size > TRIM_PIXELS
    try:
        return read_image(image)
    finally:
        del image
        if large:
            _release_memory()


def _failed(exc: Exception) -> PageResult:
    """Refuse a page whose decoding or reading failed: over memory, or unreadable."""
    # OpenCV reports an allocation over the worker's limit as its own error.
    if isinstance(exc, MemoryError) or (
        isinstance(exc, cv2.error) and "Insufficient memory" in str(exc)
    ):
        return PageResult(None, "too_large", "memory")
    return PageResult(None, "unreadable", type(exc).__name__)


def _release_memory() -> None:
    """Give the memory freed by the page just read back to the system.

    glibc keeps freed blocks of a few megabytes in the process for reuse; after pages of
    different sizes (a phone photo, then a 150 dpi scan) they no longer fit and a
    worker's resident memory creeps up with the batch. ``malloc_trim`` returns them. It
    is called only after a large page (``TRIM_PIXELS``): the next page must fault its
    memory in afresh, which costs about a tenth of a page's reading when done every time.
    """
    if _libc is not None:
        _libc.malloc_trim(0)


def _load_libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_libc = _load_libc()


def read_image(image: np.ndarray) -> PageResult:
    """Read one decoded page image here; never raise for a bad page."""
    try:
        reading = read_page(image, _layout_for)
    except PageRefused as exc:
        return PageResult(None, exc.reason, exc.detail)
    except Exception as exc:
        return _failed(exc)
    jpeg = b""
    if reading.page_image is not None:
        page = reading.page_image
        # The whole page is shown to check the marks; handwriting is transcribed from its
        # own crop, under stricter rules, so the page image never carries it (it is
        # painted out here, before the image leaves this process).
        comment = _layout_for(reading.sheet).page(reading.sheet.page).comment
        if comment is not None:
            x0, y0 = round(comment.x * SCALE), round(comment.y * SCALE)
            x1, y1 = round((comment.x + comment.w) * SCALE), round((comment.y + comment.h) * SCALE)
            page[max(0, y0) : y1, max(0, x0) : x1] = 255
        ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, PAGE_JPEG_QUALITY])
        jpeg = data.tobytes() if ok else b""
        reading.page_image = None  # not sent back: the JPEG is enough
    return PageResult(reading, page_jpeg=jpeg)


class PageReader:
    """A pool of reading processes for one set of layouts (a box's questionnaire).

    Use as a context manager; :meth:`read` reads one page, :meth:`read_many` many in
    order (``workers`` at a time).
    """

    def __init__(
        self,
        layouts: Mapping[LayoutKey, BallotLayout],
        *,
        workers: int = 1,
        memory_mb: int = MEMORY_LIMIT_MB,
    ) -> None:
        self.layouts = dict(layouts)
        self.workers = workers
        self.memory_mb = memory_mb
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: a clean child that does not inherit the server's memory, threads
            # or database connections.
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_init,
                initargs=(self.layouts, self.memory_mb),
            )
        return self._pool

    def _submit(self, source: Source, name: str, index: int) -> Future[PageResult]:
        if isinstance(source, Path):
            source = str(source)
        return self._executor().submit(read_one, source, name, index)

    def worker_pids(self) -> list[int]:
        """Return the process ids of the running workers (to watch their memory)."""
        if self._pool is None:
            return []
        return [p.pid for p in (self._pool._processes or {}).values() if p.pid is not None]

    def _reset(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def read(self, source: Source, name: str, index: int) -> PageResult:
        """Read page ``index`` of the file ``source`` (a path or bytes) in a worker."""
        try:
            return self._submit(source, name, index).result()
        except BrokenProcessPool:
            # The worker died (out of memory in a decoder, a crash): refuse this page
            # and start afresh for the next.
            self._reset()
            return PageResult(None, "reader_failed", "worker died")

    def read_many(self, jobs: Iterable[tuple[Source, str, int]]) -> Iterator[PageResult]:
        """Read pages in order, keeping at most ``2 × workers`` in flight.

        When a worker dies, every page then in flight is read again alone, so only the
        page that killed it is refused.
        """
        pending: list[tuple[tuple[Source, str, int], Future[PageResult]]] = []
        for job in jobs:
            pending.append((job, self._submit(*job)))
            if len(pending) >= 2 * self.workers:
                yield self._finish(*pending.pop(0))
        while pending:
            yield self._finish(*pending.pop(0))

    def _finish(self, job: tuple[Source, str, int], future: Future[PageResult]) -> PageResult:
        try:
            return future.result()
        except BrokenProcessPool:
            self._reset()
            return self.read(*job)
