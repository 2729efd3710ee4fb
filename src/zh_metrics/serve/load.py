"""A bounded load test of the service: a fixed number of `POST /extract` requests from a few
concurrent clients to a server on this machine, and how fast and how evenly it answered.

python -m zh_metrics.serve.load --model training/model-best --requests 200 --clients 8

starts the service on a free port of 127.0.0.1, sends the requests (reports made of corpus
paragraphs), stops it, and prints requests per second and latency percentiles. Nothing is sent
anywhere but 127.0.0.1, and the run stops after `--requests` requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def report_bodies(paragraphs: list[str], per_report: int) -> list[bytes]:
    """JSON bodies of reports made of `per_report` consecutive paragraphs each."""
    reports = ["\n".join(paragraphs[i : i + per_report]) for i in range(0, len(paragraphs), per_report)]
    return [json.dumps({"text": report}, ensure_ascii=False).encode("utf8") for report in reports]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at or above `share` of them."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def load_test(url: str, bodies: list[bytes], requests: int = 200, clients: int = 8, timeout: float = 60.0) -> dict:
    """Send `requests` POST /extract requests, cycling through `bodies`, from `clients` threads
    with a kept-alive connection each; every answer other than 200 counts as a failure."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lock = threading.Lock()
    issued = iter(range(requests))
    latencies: list[float] = []
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        while True:
            with lock:
                i = next(issued, None)
            if i is None:
                break
            body = bodies[i % len(bodies)]
            started = time.perf_counter()
            try:
                conn.request("POST", "/extract", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                answer = response.read()
                problem = None if response.status == 200 else f"{response.status}: {answer[:200]!r}"
            except (OSError, http.client.HTTPException) as err:
                problem = f"{type(err).__name__}: {err}"
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            with lock:
                latencies.append(time.perf_counter() - started)
                if problem:
                    failures.append(problem)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    sent = [len(json.loads(b)["text"]) for b in bodies]
    return {
        "requests": len(latencies),
        "clients": clients,
        "failed": len(failures),
        "failures": failures[:5],
        "seconds": elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "mean_chars": sum(sent) / len(sent),
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "max_ms": 1000 * max(latencies),
    }


def format_load(result: dict[str, Any]) -> str:
    return (
        f"{result['requests']} requests from {result['clients']} client{'s' if result['clients'] > 1 else ''} "
        f"in {result['seconds']:.1f} s "
        f"(reports of {result['mean_chars']:.0f} characters on average): "
        f"{result['requests_per_s']:.1f} requests/s, latency p50 {result['p50_ms']:.0f} ms, "
        f"p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms; {result['failed']} failed"
    )


def main(argv: list[str] | None = None) -> int:
    from ..api import load
    from ..measure.benchmark import corpus_paragraphs
    from .app import create_app
    from .server import in_background

    parser = argparse.ArgumentParser(prog="python -m zh_metrics.serve.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="trained pipeline (default: training/model-best)")
    parser.add_argument("--texts", type=Path, default=Path("corpus/dev.jsonl"), help="corpus JSONL of paragraphs")
    parser.add_argument("--per-report", type=int, default=4, help="paragraphs in one request")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=60.0, help="the service's time limit per request")
    args = parser.parse_args(argv)
    bodies = report_bodies(corpus_paragraphs(args.texts), args.per_report)
    app = create_app(load(args.model), timeout=args.timeout, max_pending=args.clients)
    with in_background(app) as url:
        result = load_test(url, bodies, args.requests, args.clients, timeout=args.timeout + 5)
    print(format_load(result))
    for failure in result["failures"]:
        print("  failed:", failure)
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
