"""Scale: streaming analysis on every core (workers), on a Spark cluster (spark), and its benchmark (bench)."""

from fogofwar.scale.workers import WorkerPool, analyze_stream, pack, resolve_workers, unpack

__all__ = ["WorkerPool", "analyze_stream", "pack", "resolve_workers", "unpack"]
