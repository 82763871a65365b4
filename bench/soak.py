"""`make soak`: a load and soak run of the whole platform (issue 23), with locust in headless mode.

Serves the scale data set with gunicorn exactly as `make bench` does (bench/run.py: same database, environment,
workers), but with double authentication required of the team, then lets locust play visitors, apprentices,
compagnons, clients and a member of the team through the real pages and forms (bench/locustfile.py) for a bounded
time and number of people, on the loopback only. Reports the requests, the errors, p50/p99 and every gunicorn
worker's memory at boot, after the warm-up and at the end; exits 1 on any error or a memory growth of 10 % or more
after the warm-up. Not part of `make test`. See docs/operations.md ("Load and soak").
"""

import argparse
import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402 - installed with locust (requirements-dev)

from bench import DEFAULT_AUDIT_PER_USER, DEFAULT_USERS  # noqa: E402
from bench import run as bench  # noqa: E402

MAX_GROWTH_PERCENT = 10.0


def workers_rss(master: int) -> dict[int, int]:
    """Resident memory (bytes) of each gunicorn worker, by pid."""
    try:
        children = psutil.Process(master).children()
    except psutil.NoSuchProcess:
        return {}
    found = {}
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            found[child.pid] = child.memory_info().rss
    return found


def mib(value: float) -> str:
    return f"{value / 2**20:.1f} MiB"


def personas(env: dict[str, str]) -> Path:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from bench.soak_setup import main; main()"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    if not data["pairs"] or not data["missions"] or not data["clients"]:
        raise SystemExit("The data set has no mentorship, open mission or client to play: run make bench first.")
    path = bench.VAR / "soak-personas.json"
    path.write_text(json.dumps(data))
    return path


def read_stats(prefix: Path) -> tuple[list[dict], dict]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return [r for r in rows if r["Name"] != "Aggregated"], total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30, help="simulated people at once (locust users)")
    parser.add_argument("--spawn-rate", type=float, default=1.0, help="people arriving per second")
    parser.add_argument("--duration", type=int, default=600, help="seconds of the whole run (default 10 minutes)")
    parser.add_argument("--warmup", type=int, default=120, help="seconds before the memory reference is taken")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", DEFAULT_USERS)))
    parser.add_argument(
        "--no-seed", action="store_true", help="play on the database as it is (migrated), even if not fully seeded"
    )
    options = parser.parse_args()
    if options.warmup >= options.duration:
        raise SystemExit("--warmup must be shorter than --duration.")

    sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench.VAR.mkdir(exist_ok=True)
    db_url = bench.database_url()
    if db_url.startswith(("postgres://", "postgresql://")):
        bench.ensure_postgres_database(db_url)
    port = bench.free_port()
    env = bench.server_env(db_url, port)
    env["STAFF_MFA_REQUIRED"] = "1"  # as in production: the team signs in with a TOTP code
    print(f"Soak database: {db_url}")
    if options.no_seed:
        bench.manage(env, "migrate", "--no-input", "-v", "0")
        bench.manage(env, "createcachetable", "-v", "0")
        check = ["seed_scale", "--users", str(options.users), "--check"]
        bench.manage({**env, "DEBUG": "1"}, *check, check=False)  # says which seeders' data are there
    elif bench.prepare_database(env, options.users, DEFAULT_AUDIT_PER_USER) is not None:
        print(f"Seeded {options.users} members.")
    bench.manage(env, "collectstatic", "--no-input", "-v", "0")
    people = personas(env)

    log_path = bench.VAR / "soak-gunicorn.log"
    proc = bench.start_gunicorn(env, port, options.workers, log_path)
    prefix = bench.VAR / "soak"
    locust = None
    try:
        boot = workers_rss(proc.pid)
        command = [
            str(bench.BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(options.people),
            "--spawn-rate",
            str(options.spawn_rate),
            "--run-time",
            f"{options.duration}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://{bench.HOST}:{port}",  # the loopback, always
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        print(
            f"gunicorn: {options.workers} workers on {bench.HOST}:{port}; locust: {options.people} people "
            f"(+{options.spawn_rate:g}/s) for {options.duration} s; memory reference after {options.warmup} s."
        )
        locust = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "SOAK_PERSONAS": str(people)})
        started = time.monotonic()
        time.sleep(options.warmup)
        warm = workers_rss(proc.pid)
        peak, end = dict(warm), dict(warm)
        while locust.poll() is None:
            time.sleep(5)
            if time.monotonic() - started < options.duration - 2:
                end = workers_rss(proc.pid)
                for pid, rss in end.items():
                    peak[pid] = max(peak.get(pid, 0), rss)
        code = locust.wait()
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    finally:
        if locust is not None and locust.poll() is None:
            locust.terminate()
            locust.wait(timeout=30)
        bench.stop_gunicorn(proc)

    rows, total = read_stats(prefix)
    print(f"\n{'request':44} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p99 ms':>7}")
    for row in sorted(rows, key=lambda r: -int(r["Request Count"])):
        label = f"{row['Type']} {row['Name']}"[:44]
        print(f"{label:44} {row['Request Count']:>7} {row['Failure Count']:>6} {row['50%']:>7} {row['99%']:>7}")
    requests, errors = int(total["Request Count"]), int(total["Failure Count"])
    print(
        f"{'all':44} {requests:>7} {errors:>6} {total['50%']:>7} {total['99%']:>7}"
        f"   ({float(total['Requests/s']):.1f} req/s)"
    )

    print("\ngunicorn workers' memory (RSS): boot → after warm-up → end (growth since the warm-up)")
    growths = []
    for pid in sorted(warm):
        if pid not in end:
            print(f"  worker {pid}: gone before the end (restarted?): see {log_path}")
            growths.append(float("inf"))
            continue
        growth = (end[pid] - warm[pid]) * 100 / warm[pid]
        growths.append(growth)
        print(
            f"  worker {pid}: {mib(boot.get(pid, 0))} → {mib(warm[pid])} → {mib(end[pid])} "
            f"({growth:+.1f} %, peak {mib(peak[pid])})"
        )
    worst = max(growths) if growths else float("inf")
    failed = []
    if errors or code:
        failed.append(f"{errors} error(s) (locust exit {code}); see {prefix}_failures.csv and {log_path}")
    if worst >= MAX_GROWTH_PERCENT:
        failed.append(f"worker memory grew {worst:.1f} % (limit {MAX_GROWTH_PERCENT:g} %)")
    print(
        "\n"
        + ("FAILED: " + "; ".join(failed) if failed else f"OK: 0 errors, p99 {total['99%']} ms, memory {worst:+.1f} %")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
