"""The outcome report of a large event (issue 12): how long the figures, the four SVG charts,
the organiser's page and the CSV export take. Prints numbers; not a test.

    python bench/outcome_report.py                   # 500 attendees x 8 rounds, SQLite
    python bench/outcome_report.py --attendees 2000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meetmatch import create_app  # noqa: E402
from meetmatch.accounts import set_organiser_password  # noqa: E402
from meetmatch.events import create_event, generate_rounds  # noqa: E402
from meetmatch.extensions import db  # noqa: E402
from meetmatch.models import Attendee, MeetingFeedback, SavedMeeting, ScheduleVersion, utcnow  # noqa: E402
from meetmatch.outcomes import feedback_csv, outcome_report  # noqa: E402
from meetmatch.report import report_charts  # noqa: E402


def seed(event, people: int, rounds: int, rng: random.Random) -> int:
    """People, a published version where everyone meets someone each round, answers from 70%."""
    now = utcnow()
    db.session.execute(sa.insert(Attendee), [
        {"event_id": event.id, "name": f"Person {n:05d}", "email": f"p{n}@example.com",
         "organisation": f"Org {n % 60}", "title": "", "offers_text": "", "needs_text": "",
         "status": "registered", "walk_in": False, "created_at": now, "updated_at": now}
        for n in range(people)])
    ids = db.session.execute(sa.select(Attendee.id).filter_by(event_id=event.id)).scalars().all()
    version = ScheduleVersion(event=event, number=1, status="published", published_at=now)
    db.session.add(version)
    db.session.flush()
    meetings = []
    for r in range(1, rounds + 1):
        order = rng.sample(ids, len(ids))
        meetings += [{"version_id": version.id, "round_number": r, "table_number": t + 1,
                      "attendee_a_id": order[2 * t], "attendee_b_id": order[2 * t + 1],
                      "score": rng.random(), "why": ""} for t in range(len(order) // 2)]
    db.session.execute(sa.insert(SavedMeeting), meetings)
    saved = db.session.execute(sa.select(SavedMeeting).filter_by(version_id=version.id)).scalars().all()
    answers = []
    for m in saved:
        for me, other in ((m.attendee_a_id, m.attendee_b_id), (m.attendee_b_id, m.attendee_a_id)):
            if rng.random() < 0.7:
                held = rng.random() < 0.85
                answers.append({"event_id": event.id, "meeting_id": m.id, "attendee_id": me, "partner_id": other,
                                "happened": "yes" if held else "no_show", "gained": rng.randint(0, 2) if held else None,
                                "gave": rng.randint(0, 2) if held else None, "follow_up": rng.random() < 0.3,
                                "note": "", "created_at": now, "updated_at": now})
    db.session.execute(sa.insert(MeetingFeedback), answers)
    db.session.commit()
    return len(saved)


def timed(label: str, fn, repeat: int = 3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    print(f"{label:<34} best {min(times) * 1000:8.0f} ms   worst {max(times) * 1000:8.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench",
                          "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "MAIL_FILE_DIR": f"{tmp}/mail"})
        with app.app_context():
            db.create_all()
            organiser, _ = set_organiser_password("bench@example.com", "bench password 123")
            event = create_event(organiser, {"name": "Bench", "slug": "bench", "topic_names": ["A", "B"]},
                                 generate_rounds(date(2026, 12, 1), clock(9), 15, 5, args.rounds))
            count = seed(event, args.attendees, args.rounds, random.Random(0))
            print(f"{args.attendees} attendees, {args.rounds} rounds, {count} meetings")
            report = timed("figures (outcome_report)", lambda: outcome_report(event))
            assert sum(report.counts.values()) == report.scheduled
            timed("four SVG charts", lambda: report_charts(report))
            timed("CSV export of all feedback", lambda: feedback_csv(report))
            client = app.test_client()
            client.post("/organiser/login", data={"email": "bench@example.com", "password": "bench password 123"})
            timed("GET the outcomes page", lambda: client.get("/organiser/events/bench/outcomes"))
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
