"""Large events: the organiser's registrations page and the attendee CSV export with 10,000
registrations (issue 9). Prints times, SQL statements and peak memory; not a test.

    python bench/registrations.py                      # SQLite file in a temporary folder
    python bench/registrations.py --attendees 30000
    python bench/registrations.py --database postgresql+psycopg://postgres@127.0.0.1:5432/test

With --database, tables are created in a fresh schema (PostgreSQL) that is dropped afterwards.
Each request goes through the real app (Flask test client, logged-in organiser), so the numbers
include rendering, not the network.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import date
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meetmatch import create_app  # noqa: E402
from meetmatch.accounts import set_organiser_password  # noqa: E402
from meetmatch.events import create_event, generate_rounds  # noqa: E402
from meetmatch.extensions import db  # noqa: E402
from meetmatch.models import Attendee, attendee_need, attendee_offer, utcnow  # noqa: E402

TOPICS = [f"Topic {n}" for n in range(30)]


def fill(event, count: int) -> None:
    """``count`` attendees with two offers, two needs and some free text, in bulk inserts."""
    topic_ids = [t.id for t in event.topics]
    now = utcnow()
    rows = [{"event_id": event.id, "name": f"Person {n:05d}", "email": f"p{n}@example.com",
             "organisation": f"Org {n % 700}", "title": "Founder", "offers_text": f"I can help with thing {n}",
             "needs_text": f"Looking for thing {n + 1}", "status": "registered", "walk_in": False,
             "created_at": now, "updated_at": now} for n in range(count)]
    for start in range(0, count, 2000):
        db.session.execute(sa.insert(Attendee), rows[start:start + 2000])
    ids = db.session.execute(sa.select(Attendee.id).filter_by(event_id=event.id)).scalars().all()
    offers = [{"attendee_id": i, "topic_id": topic_ids[(i + k) % len(topic_ids)]} for i in ids for k in (0, 7)]
    needs = [{"attendee_id": i, "topic_id": topic_ids[(i + k) % len(topic_ids)]} for i in ids for k in (3, 11)]
    db.session.execute(attendee_offer.insert(), offers)
    db.session.execute(attendee_need.insert(), needs)
    db.session.commit()


def measure(client, url: str, repeat: int) -> tuple[float, float, int, int, float]:
    """Median seconds, worst seconds, statements, bytes and peak traced MB of GET url."""
    statements = []

    def count(*_args):
        statements.append(1)

    times = []
    for _ in range(repeat):  # timed without tracemalloc (it slows Python down several times)
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        times.append(time.perf_counter() - start)
        sa.event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.status_code
    tracemalloc.start()
    client.get(url).get_data()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return statistics.median(times), max(times), len(statements), len(body), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url, schema = args.database or f"sqlite:///{tmp}/bench.sqlite", None
        if url.startswith("postgresql"):
            schema = "bench_" + uuid.uuid4().hex[:8]
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
            url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "SESSION_COOKIE_SECURE": False, "MAIL_FILE_DIR": f"{tmp}/mail"})
        try:
            with app.app_context():
                db.create_all()
                organiser, _ = set_organiser_password("bench@example.com", "bench password 123", "Bench")
                event = create_event(organiser, {
                    "name": "Bench", "slug": "bench", "description": "", "venue": "", "timezone": "Europe/Stockholm",
                    "num_tables": None, "table_names": "", "registration_open": True,
                    "block_same_organisation": True, "min_meetings": None, "mutuality": None,
                    "topic_names": TOPICS}, generate_rounds(date(2026, 12, 10), clock(13), 15, 5, 6))
                start = time.perf_counter()
                fill(event, args.attendees)
                print(f"{args.attendees} registrations on {db.engine.dialect.name}, "
                      f"inserted in {time.perf_counter() - start:.1f} s")
                client = app.test_client()
                client.post("/organiser/login", data={"email": "bench@example.com",
                                                      "password": "bench password 123"})
                print("| request | median s | worst s | SQL statements | bytes | peak MB (traced) |")
                print("|---|---|---|---|---|---|")
                for label, path in (("registrations page 1", "/organiser/events/bench"),
                                    ("registrations, last page", f"/organiser/events/bench?page={(args.attendees + 99) // 100}"),
                                    ("search 'Person 09'", "/organiser/events/bench?q=Person+09"),
                                    ("attendee CSV export", "/organiser/events/bench/attendees.csv")):
                    median, worst, statements, size, peak = measure(client, path, args.repeat)
                    print(f"| {label} | {median:.3f} | {worst:.3f} | {statements} | {size:,} | {peak:.1f} |")
                print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
                # Retention's erasure of the whole event (what `meetmatch retention` does on the day).
                from meetmatch.retention import erase_event_personal_data

                start = time.perf_counter()
                erased = erase_event_personal_data(db.session.get(type(event), event.id))
                print(f"retention erased {erased} attendees in {time.perf_counter() - start:.1f} s")
                db.session.remove()
                db.engine.dispose()
        finally:
            if schema:
                with engine.begin() as conn:
                    conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
