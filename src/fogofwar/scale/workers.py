"""Analyse a stream of articles of any length, in order, on every core.

``analyze_stream(items, workers, batch_size)`` takes what ``read_inputs``
yields (Articles and ErrorRecords, lazily) and yields one ``ArticleResult``
or ``ErrorRecord`` per input item, in input order. Memory stays bounded: at
most ``2 * workers`` chunks of ``batch_size`` articles are in flight.

With more than one worker, chunks go to a pool of processes, each of which
loads the spaCy model and the gazetteer once. A worker that dies (a crash in
native code, the OOM killer) breaks the pool; the chunk it held is then rerun
one article at a time in a fresh pool, so the article that kills a worker
becomes an error record and every other article still gets its result.
Workers start from a fork server (spaCy imported once, no threads forked);
as with any multiprocessing start method but fork, a script that uses more
than one worker needs the ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import traceback
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from fogofwar.models import Article, ArticleResult, ErrorRecord

Item = Article | ErrorRecord
Outcome = ArticleResult | ErrorRecord

_PIPELINE = None  # one per worker process, made by _init_worker


def cpu_workers() -> int:
    """The cores this process may use (respects CPU affinity, unlike os.cpu_count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None) -> int:
    """``None`` or ``0`` means every core; a negative number means all cores but that many."""
    if not workers:
        return cpu_workers()
    if workers < 0:
        return max(1, cpu_workers() + workers)
    return workers


def pack(result: ArticleResult) -> bytes:
    """An article's result as compressed bytes (about a tenth of its objects' memory), kept until stories are built.

    Stories read much of each result (sentences and texts for near-duplicates,
    outlets of every article), so nothing is dropped: ``unpack`` gives it back whole.
    """
    return zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> ArticleResult:
    return pickle.loads(zlib.decompress(blob))


def _error(article: Article, reason: str) -> ErrorRecord:
    return ErrorRecord(file=article.file or article.id, line=article.line, reason=reason)


def run_chunk(pipeline, articles: list[Article]) -> list[Outcome]:
    """Analyse a chunk with ``pipeline``; one outcome per article, in order.

    ``Pipeline.run`` already turns a stage's failure into an error record; if
    spaCy itself raises on a batch, the chunk is rerun one article at a time
    so that only the article at fault is lost.
    """
    try:
        out = list(pipeline.run(articles))
        if len(out) == len(articles):
            return out
    except Exception:  # noqa: BLE001 - isolated below, article by article
        pass
    out = []
    for article in articles:
        try:
            out.extend(pipeline.run([article]))
        except Exception as exc:  # noqa: BLE001 - never lose the batch
            frame = traceback.extract_tb(exc.__traceback__)[-1].name if exc.__traceback__ else "?"
            out.append(_error(article, f"analysis failed: {type(exc).__name__}: {exc} ({frame})"))
    return out


def _init_worker(model: str | None, batch_size: int) -> None:
    """Load the model and open the gazetteer once per worker process."""
    global _PIPELINE
    from fogofwar.nlp import load_nlp
    from fogofwar.pipeline import Pipeline

    _PIPELINE = Pipeline(nlp=load_nlp(model), batch_size=batch_size)
    _PIPELINE._gazetteer()


def _probe() -> bool:
    return True


def _work(articles: list[Article]) -> list[Outcome]:
    return run_chunk(_PIPELINE, articles)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _merge(chunk: list[Item], outcomes: list[Outcome]) -> Iterator[Outcome]:
    """Put analysis outcomes back among the chunk's input error records, in order."""
    it = iter(outcomes)
    for item in chunk:
        yield item if isinstance(item, ErrorRecord) else next(it)


class _Pool:
    """A process pool that can be replaced when a worker dies.

    ``work(articles) -> outcomes`` runs in the workers after ``initializer(*initargs)``.
    """

    def __init__(self, workers: int, work, initializer, initargs: tuple):
        self.workers, self.work, self.initializer, self.initargs = workers, work, initializer, initargs
        self.restarts = 0
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        methods = mp.get_all_start_methods()
        if "forkserver" in methods:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["fogofwar.pipeline"])  # spaCy imported once, forked from there
        else:  # pragma: no cover - not Linux
            ctx = mp.get_context("spawn")
        return ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=self.initializer,
                                   initargs=self.initargs)

    def submit(self, articles: list[Article]) -> Future | None:
        return self.executor.submit(self.work, articles) if articles else None

    def restart(self) -> None:
        """A fresh pool; a pool whose workers cannot even start is an environment error, not bad input."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1
        self.executor = self._new()
        try:
            self.executor.submit(_probe).result()
        except BrokenProcessPool as exc:
            self.executor.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError("worker processes die while starting (loading the model or the gazetteer); "
                               "run with --workers 1 to see why") from exc

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def isolate(self, articles: list[Article]) -> list[Outcome]:
        """Rerun a chunk whose worker died, one article per task, nothing else in the pool."""
        out: list[Outcome] = []
        for article in articles:
            try:
                out.extend(self.executor.submit(self.work, [article]).result())
            except BrokenProcessPool:
                out.append(_error(article, "analysis failed: the worker process died while analysing "
                                           "this article"))
                self.restart()
            except Exception as exc:  # noqa: BLE001 - e.g. a result that does not pickle
                out.append(_error(article, f"analysis failed: {type(exc).__name__}: {exc}"))
        return out


def map_ordered(items: Iterable[Item], work, workers: int, batch_size: int = 16, initializer=None,
                initargs: tuple = ()) -> Iterator[Outcome]:
    """``work`` over chunks of Articles in ``workers`` processes; outcomes in input order.

    Input ErrorRecords pass through in place; a chunk whose worker died is rerun
    one article at a time, and an article that kills its worker becomes an
    ErrorRecord. ``work`` and ``initializer`` must be importable functions.
    """
    yield from _parallel(_chunks(items, max(1, batch_size)), _Pool(workers, work, initializer, initargs))


class WorkerPool:
    """A long-lived pool of analysis workers (model loaded once per worker), for many calls.

    >>> with WorkerPool(2) as pool:                      # doctest: +SKIP
    ...     results = list(pool.analyze(read_inputs(["news.jsonl"])))
    """

    def __init__(self, workers: int | None = None, batch_size: int = 16, model: str | None = None):
        self.batch_size = batch_size
        self._pool = _Pool(resolve_workers(workers), _work, _init_worker, (model, batch_size))

    @property
    def workers(self) -> int:
        return self._pool.workers

    def analyze(self, items: Iterable[Item]) -> Iterator[Outcome]:
        """Like ``analyze_stream``: one outcome per item, in input order."""
        return _parallel(_chunks(items, max(1, self.batch_size)), self._pool, own=False)

    def close(self) -> None:
        self._pool.shutdown()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parallel(chunks: Iterator[list[Item]], pool: _Pool, own: bool = True) -> Iterator[Outcome]:
    workers = pool.workers
    window = 2 * workers
    pending: deque[tuple[list[Item], list[Article], Future | None]] = deque()
    try:
        while True:
            while len(pending) < window:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                articles = [i for i in chunk if isinstance(i, Article)]
                pending.append((chunk, articles, pool.submit(articles)))
            if not pending:
                return
            chunk, articles, future = pending.popleft()
            try:
                outcomes = future.result() if future is not None else []
            except BrokenProcessPool:
                pool.restart()
                outcomes = pool.isolate(articles)
                # every chunk in flight died with the pool: send them again
                pending = deque((c, a, pool.submit(a)) for c, a, _ in pending)
            except Exception:  # noqa: BLE001 - the chunk's result did not come back; retry one by one
                outcomes = pool.isolate(articles)
            yield from _merge(chunk, outcomes)
    finally:
        for _, _, future in pending:  # left early: nothing more is wanted
            if future is not None:
                future.cancel()
        if own:
            pool.shutdown()


def analyze_stream(items: Iterable[Item], workers: int | None = 1, batch_size: int = 16, *,
                   model: str | None = None, pipeline=None, auto_threshold: int | None = None
                   ) -> Iterator[Outcome]:
    """Yield one ArticleResult or ErrorRecord per input item, in input order.

    ``items`` may be any iterable of Articles and ErrorRecords (ErrorRecords pass
    through in place), e.g. ``read_inputs(paths)``; it is consumed lazily.
    ``workers``: 1 analyses in this process (with ``pipeline`` if given); N > 1
    uses N processes; 0 or None uses every core, but only once the input holds
    more than ``auto_threshold`` items (default ``4 * batch_size``), since
    starting a worker costs a model load.
    """
    auto = not workers
    n = resolve_workers(workers)
    chunks = _chunks(items, max(1, batch_size))
    if auto and n > 1:
        threshold = auto_threshold if auto_threshold is not None else 4 * batch_size
        head: list[list[Item]] = []
        count = 0
        for chunk in chunks:
            head.append(chunk)
            count += len(chunk)
            if count > threshold:
                break
        else:
            n = 1
        chunks = _chain(head, chunks)
    if n <= 1:
        if pipeline is None:
            from fogofwar.nlp import load_nlp
            from fogofwar.pipeline import Pipeline

            pipeline = Pipeline(nlp=load_nlp(model), batch_size=batch_size)
        for chunk in chunks:
            articles = [i for i in chunk if isinstance(i, Article)]
            yield from _merge(chunk, run_chunk(pipeline, articles) if articles else [])
        return
    yield from _parallel(chunks, _Pool(n, _work, _init_worker, (model, batch_size)))


def _chain(head: list[list[Item]], rest: Iterator[list[Item]]) -> Iterator[list[Item]]:
    yield from head
    yield from rest
