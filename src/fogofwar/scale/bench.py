"""``fogofwar bench``: throughput and memory of the analysis, against bare spaCy, in one run.

The corpus is made from the texts shipped in ``fogofwar/data/bench/corpus.jsonl``
(the bundled example and the developers' gold articles): article ``i`` is text
``i mod k`` with its paragraphs in an order drawn from ``i``, so that no two
articles in a run of up to ``k!`` per text are the same document.

Measured on the same texts: bare spaCy (``nlp.pipe`` with the same model, its
full pipeline, nothing else), fogofwar in this process (``analyze_stream``
with one worker, plus stories over the packed story inputs, as ``fogofwar
analyze`` does; ``seconds["stories_1"]`` is the stories' share), and fogofwar
on a warm pool of every core (this process's model freed first, and the pool
closed before stories are formed, as in ``fogofwar analyze``, which loads no
model in the main process when it has workers). Model loading and
pool start-up are excluded from the rates; peak memory is the largest sum of
the memory of this process and its workers, sampled every 200 ms (resident
size, and proportional size, which counts pages shared by forked workers once).
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import resources

from fogofwar.models import Article


def base_texts() -> list[dict]:
    with resources.files("fogofwar").joinpath("data/bench/corpus.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def make_corpus(n: int) -> list[Article]:
    """``n`` articles varied from the shipped texts (deterministic)."""
    base = base_texts()
    out = []
    for i in range(n):
        b = base[i % len(base)]
        lines = b["text"].split("\n")
        if i >= len(base):
            random.Random(i).shuffle(lines)
        out.append(Article(id=f"bench-{i}", text="\n".join(lines), published=b.get("published"),
                           outlet=b.get("outlet"), title=b.get("title"), file="bench", line=i + 1))
    return out


class PeakMemory:
    """Peaks of (this process + its children) memory, sampled in a thread.

    ``peak`` sums resident sizes (pages shared by forked workers counted in each);
    ``peak_pss`` sums proportional set sizes (shared pages split between their users),
    which is what the processes together really occupy.
    """

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self.peak_pss = interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[int, int]:
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil not installed: this process only
            import resource

            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            return rss, rss
        me = psutil.Process()
        rss = pss = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                info = proc.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        return rss, pss

    def _update(self) -> None:
        rss, pss = self._sample()
        self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._update()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._update()


@dataclass
class BenchResult:
    articles: int
    words: int
    fogofwar_aps: float
    spacy_aps: float
    ratio: float
    speedup_all_workers: float
    peak_rss_mb: float
    peak_pss_mb: float
    spacy_numpy_blas_aps: float  # bare spaCy with fogofwar's BLAS choice (nlp.use_numpy_blas)
    ratio_numpy_blas: float  # fogofwar against that: what fogofwar's own design saves and spends
    workers: int
    fogofwar_all_workers_aps: float
    fogofwar_wps: float
    spacy_wps: float
    fogofwar_all_workers_wps: float
    seconds: dict = field(default_factory=dict)
    errors: int = 0
    stories: int = 0
    errors_all_workers: int = 0  # the same run on every worker must give the same figures
    stories_all_workers: int = 0
    model: str = ""
    machine: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def run(n: int = 100, workers: int | None = None, batch_size: int = 16, model: str | None = None,
        include_spacy: bool = True) -> BenchResult:
    """Benchmark ``n`` articles: bare spaCy, fogofwar on 1 worker, fogofwar on ``workers`` (default all cores)."""
    import spacy

    from fogofwar.models import ErrorRecord
    from fogofwar.nlp import load_nlp, use_numpy_blas
    from fogofwar.pipeline import Pipeline
    from fogofwar.scale.workers import WorkerPool, analyze_stream, pack, resolve_workers, unpack
    from fogofwar.stories import build_packed, story_input

    articles = make_corpus(n)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    n_workers = resolve_workers(workers)
    seconds: dict[str, float] = {}

    with PeakMemory() as memory:
        nlp = load_nlp(model)
        model_name = f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"
        if include_spacy:
            bare = spacy.load(model or _package_of(nlp))
            list(bare.pipe(texts[:2]))  # warm
            seconds["spacy"], _ = _timed(lambda: sum(1 for _ in bare.pipe(texts, batch_size=batch_size)))
            # the same bare pipeline with the matrix products fogofwar uses (numpy's BLAS), so that
            # the report separates what the BLAS choice saves from what fogofwar's own design saves
            use_numpy_blas(bare)
            list(bare.pipe(texts[:2]))
            seconds["spacy_numpy_blas"], _ = _timed(lambda: sum(1 for _ in bare.pipe(texts, batch_size=batch_size)))
            del bare

        pipeline = Pipeline(nlp=nlp, batch_size=batch_size)
        list(pipeline.run(articles[:2]))  # warm: gazetteer open, lexicons loaded

        def fogofwar_run(stream, label: str, streamed=None) -> tuple[int, int]:
            kept, errors = [], 0
            for outcome in stream:
                if isinstance(outcome, ErrorRecord):
                    errors += 1
                else:
                    kept.append(pack(story_input(outcome)))
            if streamed is not None:
                streamed()
            seconds[f"stories_{label}"], (stories, _) = _timed(lambda: build_packed(kept, unpack))
            return errors, len(stories)

        seconds["fogofwar_1"], (errors, stories) = _timed(
            lambda: fogofwar_run(analyze_stream(articles, workers=1, batch_size=batch_size, pipeline=pipeline), "1"))
        errors_all, stories_all = errors, stories
        if n_workers > 1:
            del pipeline, nlp  # the workers have their own (a bench runs in a process of its own)
            load_nlp.cache_clear()
            gc.collect()
            with WorkerPool(n_workers, batch_size=batch_size, model=model) as pool:
                list(pool.analyze(make_corpus(2 * n_workers)))  # every worker has loaded the model
                seconds[f"fogofwar_{n_workers}"], (errors_all, stories_all) = _timed(
                    lambda: fogofwar_run(pool.analyze(articles), str(n_workers), streamed=pool.close))
        else:
            seconds[f"fogofwar_{n_workers}"] = seconds["fogofwar_1"]

    def rate(count: float, key: str) -> float:
        return round(count / seconds[key], 2) if seconds.get(key) else 0.0

    fog, fog_all = rate(n, "fogofwar_1"), rate(n, f"fogofwar_{n_workers}")
    spa = rate(n, "spacy")
    spa_blas = rate(n, "spacy_numpy_blas")
    return BenchResult(
        articles=n, words=words, fogofwar_aps=fog, spacy_aps=spa, ratio=round(fog / spa, 3) if spa else 0.0,
        speedup_all_workers=round(fog_all / fog, 3) if fog else 0.0, peak_rss_mb=round(memory.peak / 2**20, 1),
        peak_pss_mb=round(memory.peak_pss / 2**20, 1),
        spacy_numpy_blas_aps=spa_blas, ratio_numpy_blas=round(fog / spa_blas, 3) if spa_blas else 0.0,
        workers=n_workers, fogofwar_all_workers_aps=fog_all, fogofwar_wps=rate(words, "fogofwar_1"),
        spacy_wps=rate(words, "spacy"), fogofwar_all_workers_wps=rate(words, f"fogofwar_{n_workers}"),
        seconds={k: round(v, 3) for k, v in seconds.items()}, errors=errors, stories=stories, model=model_name,
        errors_all_workers=errors_all, stories_all_workers=stories_all,
        machine={"cpus": os.cpu_count(), "usable_cpus": resolve_workers(0), "python": platform.python_version(),
                 "load_average_1m": round(os.getloadavg()[0], 2)},
    )


def _package_of(nlp) -> str:
    """The installed package name of a loaded model (spaCy can load it again by that name)."""
    from spacy import util

    from fogofwar.nlp import MODEL_NAMES

    return next((name for name in MODEL_NAMES if util.is_package(name)), f"{nlp.meta['lang']}_{nlp.meta['name']}")
