# SPDX-License-Identifier: EUPL-1.2
"""Load test: gunicorn (2 workers) on a copy of the demo database, a thread load generator on loopback.

    .venv/bin/python bench/load.py [--seconds 60] [--threads 4] [--json]

The run time is split evenly between the targets, one after the other, so each target's throughput is
measured alone: the home page, a catalogue search, a commons page, the API list and ``/healthz``. Each
target's throughput is printed as a ratio to ``/healthz`` (the cost of the stack without any page work), so
the figures compare across machines. Every answer must be 200: errors are counted, printed, and make the
exit status 1. With ``--json`` the last line is one JSON object with every figure.

Everything stays on 127.0.0.1: a temporary SQLite file (migrated, ``commons demo load``), a free port, and
a bounded run (the generator stops at its deadline; the server is terminated at the end).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "en", "Connection": "close"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def prepare_database(workdir: Path, env: dict[str, str]) -> None:
    """Migrate a fresh SQLite file and load the demo data with the ``commons`` command."""
    commons = str(BIN / "commons")
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([commons, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def start_server(port: int, env: dict[str, str], workers: int, log: Any) -> subprocess.Popen[bytes]:
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-" if os.environ.get("COMMONS_BENCH_ACCESS_LOG") else "/dev/null",
        "commons:create_app()",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def wait_ready(port: int, process: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before it was ready")
        try:
            if request(port, "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def hammer(port: int, path: str, seconds: float, threads: int) -> dict[str, Any]:
    """``threads`` clients request ``path`` back to back until the deadline; returns the figures."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client() -> None:
        mine: list[float] = []
        my_errors: dict[str, int] = {}
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _body = request(port, path)
                key = None if status == 200 else f"HTTP {status}"
            except OSError as exc:
                key = type(exc).__name__
            if key is None:
                mine.append(time.perf_counter() - started)
            else:
                my_errors[key] = my_errors.get(key, 0) + 1
        with lock:
            latencies.extend(mine)
            for key, count in my_errors.items():
                errors[key] = errors.get(key, 0) + count

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else 0.0

    return {
        "path": path,
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else 0.0,
    }


def pick_targets(port: int) -> list[tuple[str, str]]:
    """The pages to measure, with a real commons slug and a search word taken from the demo data."""
    status, body = request(port, "/api/v1/commons?limit=1")
    if status != 200:
        raise RuntimeError(f"/api/v1/commons answered {status}")
    items = json.loads(body)["items"]
    if not items:
        raise RuntimeError("the demo database has no commons")
    slug = items[0]["slug"]
    return [
        ("home", "/"),
        ("search", "/commons?q=document"),
        ("commons page", f"/commons/{slug}"),
        ("API list", "/api/v1/commons"),
        ("healthz", "/healthz"),
    ]


def run(seconds: float, threads: int, workers: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="commons-load-"))
    env = {
        **os.environ,
        "COMMONS_CONFIG": "production",
        "COMMONS_SECRET_KEY": secrets.token_urlsafe(48),
        "COMMONS_DATABASE_URL": f"sqlite:///{workdir / 'demo.db'}",
        "COMMONS_TRUSTED_HOSTS": "127.0.0.1,localhost",
    }
    process = None
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed in finally
    try:
        prepare_database(workdir, env)
        port = free_port()
        process = start_server(port, env, workers, log)
        wait_ready(port, process)
        targets = pick_targets(port)
        for _name, path in targets:  # warm every worker's caches before measuring
            for _ in range(2 * workers):
                request(port, path)
        share = seconds / len(targets)
        results = {name: hammer(port, path, share, threads) for name, path in targets}
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
    base = results["healthz"]["rps"] or 1.0
    for figures in results.values():
        figures["ratio_to_healthz"] = round(figures["rps"] / base, 3)
    return {
        "benchmark": "load",
        "seconds": seconds,
        "threads": threads,
        "gunicorn_workers": workers,
        "database": "sqlite (demo data)",
        "cpus": os.cpu_count(),
        "errors": sum(r["errors"] for r in results.values()),
        "targets": results,
    }


def print_table(summary: dict[str, Any]) -> None:
    print(
        f"load: {summary['seconds']:.0f} s, {summary['threads']} client threads, "
        f"gunicorn {summary['gunicorn_workers']} workers, {summary['database']}, {summary['cpus']} CPUs"
    )
    header = (
        f"{'target':<14} {'path':<28} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'errors':>7} {'÷healthz':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, r in summary["targets"].items():
        print(
            f"{name:<14} {r['path'][:28]:<28} {r['requests']:>9} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {r['errors']:>7} {r['ratio_to_healthz']:>9.3f}"
        )
        if r["error_kinds"]:
            print(f"{'':<14} errors: {r['error_kinds']}")
    print(f"total errors: {summary['errors']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="total measuring time (split between targets)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 3600 or not 1 <= args.threads <= 64:
        parser.error("--seconds must be within 1..3600 and --threads within 1..64")
    summary = run(args.seconds, args.threads, args.workers)
    print_table(summary)
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
