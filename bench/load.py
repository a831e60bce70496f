"""Load benchmark: a production-mode gunicorn (4 workers) on SQLite and on PostgreSQL.

    python bench/load.py                      # both databases, about 4 minutes
    python bench/load.py --db sqlite --skip-build

Measures, for each database:
  * page views: the public event page under `wrk` (16 connections, 20 s): requests/s and p95;
  * registrations: 400 through the real form (GET for the CSRF token, then POST) by 16
    concurrent clients: p50/p95 of the POST, errors, and the exact number of new rows;
  * page views while the worker builds the schedule of a 1,500-attendee event (lexical
    scorer, so the build is the solver's work, not the text model's).
Targets (issue 9): page views >= 250 req/s with p95 < 150 ms; registrations p95 < 500 ms on
SQLite at 16 clients; zero errors and exact row counts; reads during a build p95 < 150 ms.
Needs `wrk` (Debian package). Rate limits are off: they would turn the load into 429s.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import date
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.helpers import fresh_database  # noqa: E402 - one way to make a scratch database

BIN = Path(sys.executable).parent
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.timeout
  io.write(string.format("RESULT %d %.1f %.1f %.1f %d %d\\n", summary.requests,
           summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
           latency:percentile(95) / 1000, summary.errors.status, errors))
end
"""


def environment(url: str, instance: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEETMATCH_")}
    return env | {
        "MEETMATCH_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
        "MEETMATCH_INSTANCE_PATH": str(instance), "MEETMATCH_SESSION_COOKIE_SECURE": "false",
        "MEETMATCH_RATELIMIT_ENABLED": "false", "MEETMATCH_SCORER": "lexical",
        "MEETMATCH_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT),
    }


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict[str, str], big: int) -> None:
    """Migrate, load the demo event and (``big`` > 0) an event of ``big`` attendees."""
    subprocess.run([str(BIN / "meetmatch"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    subprocess.run([str(BIN / "meetmatch"), "seed-demo", "--force"], env=env, check=True,
                   capture_output=True)
    if big:
        subprocess.run([sys.executable, __file__, "--make-big", str(big)], env=env, check=True)


def make_big_event(n: int) -> None:
    """(In a child process with the instance's environment.) An event of ``n`` generated
    attendees and a queued build of it."""
    from bench.generate import generate
    from meetmatch import create_app
    from meetmatch.events import create_event, generate_rounds
    from meetmatch.extensions import db
    from meetmatch.jobs import enqueue_job
    from meetmatch.models import Attendee, Organiser
    from meetmatch.schedules.jobs import BUILD_SCHEDULE

    spec = generate(n, 8, seed=1)
    names = sorted({t for a in spec["attendees"] for t in a["offers"] + a["needs"]})
    with create_app().app_context():
        organiser = db.session.execute(db.select(Organiser).limit(1)).scalar_one()
        event = create_event(organiser, {
            "name": "Load test", "slug": "load", "description": "", "venue": "Hall",
            "timezone": "Europe/Stockholm", "num_tables": None, "table_names": "",
            "registration_open": True, "block_same_organisation": True, "min_meetings": None,
            "mutuality": None, "topic_names": names}, generate_rounds(date(2026, 12, 10),
                                                                    clock_time(9, 0), 15, 5, 8))
        topics = {t.name: t for t in event.topics}
        for k, a in enumerate(spec["attendees"]):
            db.session.add(Attendee(
                event=event, name=a["name"], email=f"load{k}@example.com",
                organisation=a["organisation"], offers=[topics[t] for t in a["offers"]],
                needs=[topics[t] for t in a["needs"]], offers_text=a["offers_text"],
                needs_text=a["needs_text"]))
        db.session.commit()
        enqueue_job(event.id, BUILD_SCHEDULE, {"time_limit": 60})


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path):
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}",
             "--timeout", "60", "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, seconds: int = 20, connections: int = 16) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name,
                          url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    requests, rate, p50, p95, status_errors, socket_errors = re.search(
        r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)", out).groups()
    return {"requests": int(requests), "rps": float(rate), "p50_ms": float(p50),
            "p95_ms": float(p95), "errors": int(status_errors) + int(socket_errors)}


def register_many(base: str, total: int, clients: int, tag: str) -> dict:
    """``total`` registrations through the form by ``clients`` threads; POST latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    numbers = iter(range(total))
    lock = threading.Lock()

    def client() -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            try:
                page = opener.open(f"{base}/e/demo/register", timeout=60).read().decode()
                token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
                topic = re.findall(r'name="offers"[^>]*value="(\d+)"', page)
                need = re.findall(r'name="needs"[^>]*value="(\d+)"', page)
                form = [("csrf_token", token), ("name", f"Load Person {n}"),
                        ("email", f"{tag}-{n}@example.com"), ("organisation", "Load Ltd"),
                        ("offers", topic[n % len(topic)]), ("needs", need[(n + 1) % len(need)]),
                        ("offers_text", "I can help with pricing"), ("needs_text", "a mentor"),
                        ("consent", "y")]
                form += [("rounds", r) for r in re.findall(r'name="rounds"[^>]*value="(\d+)"', page)]
                started = time.perf_counter()
                response = opener.open(f"{base}/e/demo/register",
                                       urllib.parse.urlencode(form).encode(), timeout=60)
                response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    if urllib.parse.urlsplit(response.geturl()).path.endswith("/register"):
                        errors.append(f"{n}: form shown again")
                    latencies.append(elapsed)
            except Exception as error:  # noqa: BLE001 - counted and shown
                with lock:
                    errors.append(f"{n}: {error}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0

    return {"done": len(latencies), "errors": errors, "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "wall_s": wall}


def count_rows(env: dict[str, str], tag: str) -> tuple[int, int]:
    code = ("from meetmatch import create_app\nfrom meetmatch.extensions import db\n"
            "from meetmatch.models import Attendee\nimport sqlalchemy as sa\n"
            "with create_app().app_context():\n"
            f"    q = db.select(sa.func.count(), sa.func.count(sa.distinct(Attendee.email))).where(Attendee.email.like('{tag}-%'))\n"
            "    print(*db.session.execute(q).one())\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), int(out[1])


def job_status(env: dict[str, str]) -> str:
    code = ("from meetmatch import create_app\nfrom meetmatch.extensions import db\n"
            "from meetmatch.models import Job\n"
            "with create_app().app_context():\n"
            "    job = db.session.execute(db.select(Job).order_by(Job.id.desc()).limit(1)).scalar_one()\n"
            "    print(job.status, (job.progress or {}).get('elapsed', ''))\n")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def run(kind: str, build: bool, big: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"meetmatch-load-{kind}-"))
    port = free_port()
    results: dict = {"db": kind}
    try:
        with fresh_database(kind, folder, prefix="load_") as url:
            env = environment(url, folder / "instance", port)
            prepare(env, big if build else 0)
            with gunicorn(env, port, folder / "gunicorn.log") as base:
                wrk(f"{base}/e/demo", seconds=3)  # warm every worker
                results["pages"] = wrk(f"{base}/e/demo")
                tag = f"load{int(time.time())}"
                results["register"] = register_many(base, 400, 16, tag)
                results["register"]["rows"], results["register"]["distinct"] = count_rows(env, tag)
                if build:
                    worker = subprocess.Popen([str(BIN / "meetmatch"), "worker"], env=env,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    try:
                        while not job_status(env).startswith("running"):
                            time.sleep(0.5)
                        results["during_build"] = wrk(f"{base}/e/demo", seconds=15)
                        results["during_build"]["job"] = job_status(env)
                    finally:
                        worker.terminate()
                        worker.wait(timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def report(r: dict) -> None:
    p, g = r["pages"], r["register"]
    print(f"\n{r['db']}:")
    print(f"  page views (16 connections): {p['rps']:.0f} req/s, p50 {p['p50_ms']:.0f} ms, "
          f"p95 {p['p95_ms']:.0f} ms, {p['errors']} errors")
    print(f"  400 registrations (16 clients): POST p50 {g['p50_ms']:.0f} ms, p95 {g['p95_ms']:.0f} ms, "
          f"{g['wall_s']:.1f} s in all, {len(g['errors'])} errors, {g['rows']} new rows "
          f"({g['distinct']} distinct emails)")
    for line in g["errors"][:5]:
        print(f"    error {line}")
    if "during_build" in r:
        b = r["during_build"]
        print(f"  page views during a 1,500-attendee build: {b['rps']:.0f} req/s, "
              f"p95 {b['p95_ms']:.0f} ms, {b['errors']} errors (job: {b['job']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--big", type=int, default=1500)
    parser.add_argument("--make-big", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_big:
        make_big_event(args.make_big)
        return
    if not shutil.which("wrk"):
        sys.exit("bench/load.py needs wrk: apt-get install wrk")
    print(f"meetmatch load benchmark, {os.cpu_count()} CPUs, gunicorn 4 workers")
    for kind in args.db or ["sqlite", "postgresql"]:
        report(run(kind, not args.skip_build, args.big))


if __name__ == "__main__":
    main()
