# SPDX-License-Identifier: EUPL-1.2
"""Harvest benchmark: the fake forge with N repositories across 200 owners of mixed forges.

    .venv/bin/python bench/harvest.py [--repos 10000] [--owners 200] [--json]

Owners are spread over GitHub, GitLab and Gitea (a third each); one repository in ten carries a
publiccode.yml. A temporary SQLite database is migrated, one approved source per owner is added, then:

1. a cold run of every source (every repository added, publiccode.yml looked up for each);
2. an unchanged second run (every listing page should answer 304 and nothing be parsed).

Reported: repositories per second on the cold run, listing requests per repository (publiccode.yml
fetches aside, reported separately), the share of 304 answers and the time of the second run relative
to the first, and peak memory (maximum resident set size of this process, fake forge included). The
targets of issue 3 are checked and printed; with ``--json`` the last line is one JSON object.
Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commons import create_app  # noqa: E402
from commons.extensions import db  # noqa: E402
from tests.fakeforge import KINDS, FakeForge  # noqa: E402

TARGETS = {
    "share_304_second": (">=", 0.95),
    "second_over_first": ("<=", 0.20),
    "requests_per_repo_cold": ("<=", 1.10),
    "peak_memory_mb": ("<", 300.0),
}


def peak_memory_mb() -> float:
    """Maximum resident set size of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_all(app: Any) -> tuple[float, dict[str, int]]:
    """Run every approved source once; return the wall time and the summed job counts."""
    from commons.harvest import services

    totals = dict.fromkeys(("added", "updated", "unchanged", "archived", "errored", "requests", "not_modified"), 0)
    started = time.perf_counter()
    with app.app_context():
        for source in services.runnable_sources():
            job = services.run_source(source)
            for key in totals:
                totals[key] += getattr(job, key)
        db.session.remove()
    return time.perf_counter() - started, totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=10_000, help="repositories in all (default 10000)")
    parser.add_argument("--owners", type=int, default=200, help="owners across the three forges (default 200)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    args = parser.parse_args()
    if args.repos < args.owners or args.owners < len(KINDS):
        parser.error("--repos must be at least --owners, and --owners at least 3")
    logging.disable(logging.WARNING)
    per_owner = args.repos // args.owners
    with tempfile.TemporaryDirectory(prefix="commons-bench-harvest-") as tmp, FakeForge() as forge:
        owners_by_kind = {kind: args.owners // len(KINDS) for kind in KINDS}
        owners_by_kind[KINDS[0]] += args.owners - sum(owners_by_kind.values())
        for kind, owners in owners_by_kind.items():
            forge.populate(kind, owners, per_owner, publiccode_every=10)
        repos = per_owner * args.owners

        url = f"sqlite:///{tmp}/bench.db"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, COMMONS_HARVEST_ALLOWED_HOSTS=forge.host)
        with app.app_context():
            from flask_migrate import upgrade

            from commons.harvest import services

            upgrade()
            for kind, owners in owners_by_kind.items():
                for o in range(owners):
                    services.add_source(kind=kind, url=forge.web_url(kind, f"owner{o}"), approve=True)
            db.session.commit()
            db.session.remove()

        forge.reset_log()
        cold_time, cold = run_all(app)
        cold_requests = forge.count()
        cold_publiccode = forge.count(path="publiccode")
        forge.reset_log()
        warm_time, warm = run_all(app)
        warm_requests = forge.count()
        warm_304 = forge.count(status=304)
        with app.app_context():
            from sqlalchemy import func, select

            from commons.catalogue.models import Commons, Repository

            stored = db.session.scalar(select(func.count()).select_from(Repository)) or 0
            commons = db.session.scalar(select(func.count()).select_from(Commons)) or 0
            db.session.remove()
            db.engine.dispose()

    figures: dict[str, Any] = {
        "repos": repos,
        "owners": args.owners,
        "stored_repositories": stored,
        "stored_commons": commons,
        "cold_seconds": round(cold_time, 2),
        "repos_per_second_cold": round(repos / cold_time, 1),
        "requests_cold": cold_requests,
        "publiccode_requests_cold": cold_publiccode,
        "requests_per_repo_cold": round((cold_requests - cold_publiccode) / repos, 3),
        "requests_per_repo_cold_with_publiccode": round(cold_requests / repos, 3),
        "second_seconds": round(warm_time, 2),
        "requests_second": warm_requests,
        "share_304_second": round(warm_304 / warm_requests, 4) if warm_requests else 0.0,
        "second_over_first": round(warm_time / cold_time, 4),
        "added_cold": cold["added"],
        "unchanged_second": warm["unchanged"],
        "errored": cold["errored"] + warm["errored"],
        "peak_memory_mb": round(peak_memory_mb(), 1),
    }
    checks = {}
    for name, (op, limit) in TARGETS.items():
        value = figures[name]
        checks[name] = value >= limit if op == ">=" else value <= limit if op == "<=" else value < limit
    figures["targets_met"] = all(checks.values()) and stored == repos and figures["errored"] == 0

    rows = [
        ("repositories", f"{repos:,} across {args.owners} owners (GitHub, GitLab, Gitea)"),
        ("cold run", f"{cold_time:.1f} s, {figures['repos_per_second_cold']:.0f} repositories/s"),
        (
            "requests per repository (cold)",
            f"{figures['requests_per_repo_cold']:.3f} listing, + {cold_publiccode:,} publiccode.yml look-ups "
            f"({figures['requests_per_repo_cold_with_publiccode']:.3f} in all)",
        ),
        ("second run (unchanged)", f"{warm_time:.2f} s = {figures['second_over_first']:.1%} of the cold run"),
        ("304 share (second run)", f"{figures['share_304_second']:.1%} of {warm_requests:,} requests"),
        ("stored", f"{stored:,} repositories, {commons:,} commons; {figures['errored']} errors"),
        ("peak memory (RSS)", f"{figures['peak_memory_mb']:.0f} MB"),
    ]
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    for name, ok in checks.items():
        op, limit = TARGETS[name]
        print(f"target {name} {op} {limit}: {'met' if ok else 'MISSED'} ({figures[name]})")
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0 if figures["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
