"""A bounded load test of ``fogofwar serve``: concurrent readers and one writer, figures as JSON.

    python -m fogofwar.api.loadtest --seconds 10 --readers 8

Starts ``fogofwar serve`` on a free loopback port over a temporary SQLite
database (or ``--db URL``) with the example articles ingested, then for
``--seconds`` runs ``--readers`` concurrent clients reading /api/stories and
/api/events (with varied filters) and one client POSTing new articles with
the bearer token. Prints requests, throughput, p50/p99/max latency per route
and the error count (any non-2xx answer or transport failure).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from fogofwar.api.process import free_port, wait_until_serving

REPO_EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
READ_QUERIES = [
    ("/api/stories", {}), ("/api/events", {}), ("/api/stories", {"type": "capture"}),
    ("/api/events", {"side": "UA", "limit": 50}), ("/api/stories", {"status": "corroborated", "q": "izyum"}),
    ("/api/events", {"bbox": "36,48,39,51"}),
]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _writer_texts(paths: list[Path]) -> list[str]:
    lines = []
    for p in paths:
        for f in sorted(p.rglob("*.txt")) if p.is_dir() else [p]:
            lines += [line for line in f.read_text(encoding="utf-8").split("\n") if len(line) > 60]
    return lines or ["Ukrainian forces shelled Russian positions near Izyum on Saturday, the military said."]


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []

    def add(self, route: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.latency.setdefault(route, []).append(seconds * 1000)
        if not ok:
            self.errors[route] = self.errors.get(route, 0) + 1
            if len(self.samples) < 5:
                self.samples.append(f"{route}: {detail}"[:300])

    def report(self, elapsed: float) -> dict:
        routes = {}
        for route, values in sorted(self.latency.items()):
            routes[route] = {
                "requests": len(values), "per_second": round(len(values) / elapsed, 1),
                "p50_ms": round(_percentile(values, 50), 1), "p99_ms": round(_percentile(values, 99), 1),
                "max_ms": round(max(values), 1), "errors": self.errors.get(route, 0),
            }
        return {"routes": routes, "errors": sum(self.errors.values()), "error_samples": self.samples}


async def _reader(client: httpx.AsyncClient, stats: Stats, deadline: float, offset: int) -> None:
    i = offset
    while time.monotonic() < deadline:
        route, params = READ_QUERIES[i % len(READ_QUERIES)]
        i += 1
        t = time.perf_counter()
        try:
            r = await client.get(route, params=params)
            ok = r.status_code == 200 and "items" in r.json()
            stats.add("GET " + route, time.perf_counter() - t, ok, f"{r.status_code} {r.text[:200]}")
        except httpx.HTTPError as exc:
            stats.add("GET " + route, time.perf_counter() - t, False, repr(exc))


async def _writer(client: httpx.AsyncClient, stats: Stats, deadline: float, token: str, texts: list[str]) -> None:
    i = 0
    run = secrets.token_hex(4)
    while time.monotonic() < deadline:
        body = {"text": "\n".join(texts[(i + k) % len(texts)] for k in range(3)) + f"\nDispatch {run}-{i}.",
                "published": "2022-09-11", "outlet": f"Load test {i % 5}"}
        i += 1
        t = time.perf_counter()
        try:
            r = await client.post("/api/articles", json=body, headers={"Authorization": f"Bearer {token}"})
            stats.add("POST /api/articles", time.perf_counter() - t, r.status_code == 201, f"{r.status_code} {r.text[:200]}")
        except httpx.HTTPError as exc:
            stats.add("POST /api/articles", time.perf_counter() - t, False, repr(exc))


async def _drive(base: str, seconds: float, readers: int, token: str, texts: list[str], writer: bool) -> dict:
    stats = Stats()
    limits = httpx.Limits(max_connections=readers + 2)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        start = time.monotonic()
        deadline = start + seconds
        tasks = [_reader(client, stats, deadline, k) for k in range(readers)]
        if writer:
            tasks.append(_writer(client, stats, deadline, token, texts))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start
    return {"seconds": round(elapsed, 2), "readers": readers, "writers": int(writer), **stats.report(elapsed)}


def run(seconds: float = 10, readers: int = 8, db: str | None = None, ingest: list[Path] | None = None,
        writer: bool = True) -> dict:
    """Start a server, load it, stop it; returns the figures."""
    ingest = ingest if ingest is not None else [REPO_EXAMPLES]
    token = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="fogofwar-load-") as tmp:
        url = db or f"sqlite:///{Path(tmp) / 'load.db'}"
        cli = [sys.executable, "-m", "fogofwar.cli"]
        if ingest:
            subprocess.run([*cli, "ingest", *map(str, ingest), "--db", url, "--no-progress"], check=True,
                           stdout=subprocess.DEVNULL, timeout=600)
        port = free_port()
        log = open(Path(tmp) / "serve.log", "w")
        env = {**os.environ, "FOGOFWAR_API_TOKEN": token}
        server = subprocess.Popen([*cli, "serve", "--db", url, "--port", str(port)], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base, server, Path(tmp) / "serve.log")
            # warm the writer's pipeline so its load time is not counted as a request
            httpx.post(f"{base}/api/analyze", json={"text": "Warm-up."}, timeout=120)
            figures = asyncio.run(_drive(base, seconds, readers, token, _writer_texts(ingest or [REPO_EXAMPLES]),
                                         writer))
            figures["articles_after"] = httpx.get(f"{base}/api/health").json()["counts"]["articles"]
            figures["database"] = "sqlite" if url.startswith("sqlite") else url.split(":", 1)[0]
            return figures
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fogofwar.api.loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--ingest", action="append", type=Path, help="paths to ingest first (default: examples/)")
    parser.add_argument("--no-writer", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.seconds, args.readers, args.db, args.ingest, writer=not args.no_writer)
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
