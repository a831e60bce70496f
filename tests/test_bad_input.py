"""Bad input never gives a 5xx (issue 9, defect 8): every form the pages show and every URL with
an id, driven by hypothesis with edge values (huge numbers, "²", dates near 9999, long text).
A row appears only for valid input."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetmatch.extensions import db
from meetmatch.input_limits import FIRST_EVENT_DAY, LAST_EVENT_DAY, MAX_ID
from meetmatch.models import Attendee, Event, SavedMeeting, ScheduleVersion

HUGE = ["2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "9" * 40, "-2147483649", "2000000000", "3000000000"]
EDGE_TEXT = ["", " ", "0", "-1", "²", "³", "١٢", "1e309", "NaN", "inf", "1.5", "0x10",
             "9999-12-31", "0001-01-01", "10000-01-01", "23:59", "24:00", "13:00 600",
             "=?utf-8?q?x=0D=0AReply-To=3A_a=40b?=", "\u202eevil", "a\x00b", "x" * 5000,
             "<script>alert(1)</script>", "{{ 7*7 }}", "' OR 1=1 --", *HUGE]
IDS = st.one_of(st.sampled_from([0, 1, 2, 3, MAX_ID, MAX_ID + 1, 2**63 - 1, 2**63, 2**64, 10**30]),
                st.integers(min_value=0, max_value=10**40))
# Forms whose success would end the session or remove what the other forms work on.
DESTRUCTIVE = ("logout", "delete", "revoke", "login")
SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


class FormFinder(HTMLParser):
    """The POST forms of a page: action and fields (name → kind, options)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append({"action": a.get("action") or "", "fields": {},
                               "multipart": "multipart" in (a.get("enctype") or "")})
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            self.forms[-1]["fields"].setdefault(a["name"], (a.get("type") or "text", []))
            if a.get("type") in ("checkbox", "radio") and a.get("value"):
                self.forms[-1]["fields"][a["name"]][1].append(a["value"])
        elif tag in ("textarea", "select"):
            self.forms[-1]["fields"].setdefault(a["name"], (tag, []))
            self._select = a["name"] if tag == "select" else None
        if tag == "option" and self._select and "value" in a:
            self.forms[-1]["fields"][self._select][1].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def value_for(kind: str, options: list[str]) -> st.SearchStrategy[str]:
    edges = st.sampled_from(EDGE_TEXT)
    if kind == "date":
        return st.one_of(st.dates().map(date.isoformat), edges)
    if options:
        return st.one_of(st.sampled_from(options), edges)
    return st.one_of(edges, st.text(max_size=40), st.integers(-10, 10**12).map(str))


@pytest.fixture
def world(app, client, login, make_event, make_attendee):
    """A logged-in organiser with an event, attendees, a published schedule and a manage link."""
    from meetmatch.registration import issue_manage_link
    from meetmatch.schedules import engine_io, versions

    event = make_event(num_tables=4)
    people = [make_attendee(event, offers=["UX design"] if n % 2 else ["Mentoring"],
                            needs=["Mentoring"] if n % 2 else ["UX design"]) for n in range(6)]
    version = engine_io.build_schedule(event, time_limit=1.0)
    versions.publish_version(version)
    manage = issue_manage_link(people[0], "test")
    db.session.commit()
    assert login().status_code == 302
    return {"slug": event.slug, "token": manage.rsplit("/", 1)[-1], "event_id": event.id}


def url_for_rule(rule, world: dict, ints: dict[str, int]) -> str | None:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if name in ints:
            values[name] = ints[name]
        elif name == "slug":
            values[name] = world["slug"]
        elif name == "token":
            values[name] = world["token"]
        elif converter == "AnyConverter":
            values[name] = sorted(rule._converters[name].items)[0]
        else:
            return None
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^:<>]+(?:\([^)]*\))?:)?" + name + ">", str(value), path)
    return path


def assert_no_5xx(response, where: str) -> None:
    assert response.status_code < 500, f"{where} answered {response.status_code}"


def test_every_url_with_an_id_answers_without_a_5xx(app, client, world):
    rules = sorted((r for r in app.url_map.iter_rules()
                    if any(type(c).__name__ == "BoundedIntConverter" for c in r._converters.values())
                    and not any(word in r.endpoint for word in DESTRUCTIVE)),
                   key=lambda r: r.rule)
    assert len(rules) >= 15  # the app's id-bearing routes, found in its url_map

    @SETTINGS
    @given(rule=st.sampled_from(rules), data=st.data())
    def probe(rule, data):
        ints = {name: data.draw(IDS, label=name) for name, c in rule._converters.items()
                if type(c).__name__ == "BoundedIntConverter"}
        url = url_for_rule(rule, world, ints)
        if url is None:
            return
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"confirm": "y"})
            response.close()
            assert_no_5xx(response, f"{method} {url}")
            if any(v > MAX_ID for v in ints.values()):
                assert response.status_code in (404, 405), f"{method} {url}"

    probe()


def forms_of_the_app(app, client, world) -> list[dict]:
    """Every POST form on every page an organiser or attendee can open (GET, no ids needed
    beyond the world's), with the URL it posts to."""
    found: dict[tuple, dict] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = url_for_rule(rule, world, {name: 1 for name in rule.arguments
                                         if type(rule._converters[name]).__name__ == "BoundedIntConverter"})
        if url is None:
            continue
        response = client.get(url)
        response.close()  # files (logo, PDFs) are streamed
        if response.status_code != 200 or "html" not in response.mimetype:
            continue
        finder = FormFinder()
        finder.feed(response.get_data(as_text=True))
        for form in finder.forms:
            action = urlsplit(form["action"]).path or url
            if any(word in action for word in DESTRUCTIVE) or not form["fields"]:
                continue
            found.setdefault((action, tuple(sorted(form["fields"]))), form | {"action": action})
    return list(found.values())


def test_every_form_survives_edge_values(app, client, world):
    forms = forms_of_the_app(app, client, world)
    actions = {f["action"] for f in forms}
    assert any("/register" in a for a in actions) and any("/events/new" in a for a in actions)
    assert len(forms) >= 10

    @SETTINGS
    @given(form=st.sampled_from(forms), data=st.data())
    def probe(form, data):
        values = {}
        for name, (kind, options) in form["fields"].items():
            if name == "csrf_token":
                continue
            if kind in ("checkbox", "radio") and not data.draw(st.booleans(), label=f"{name}?"):
                continue
            values[name] = data.draw(value_for(kind, options), label=name)
        response = client.post(form["action"], data=values)
        assert_no_5xx(response, f"POST {form['action']} {values!r}"[:2000])

    probe()
    db.session.rollback()
    # Whatever was saved on the way is in range: no event far in the future, no huge number.
    for event in db.session.execute(db.select(Event)).scalars():
        assert all(FIRST_EVENT_DAY <= r.starts_at.date() <= LAST_EVENT_DAY for r in event.rounds)
        assert event.num_tables is None or 1 <= event.num_tables <= 5000
    for attendee in db.session.execute(db.select(Attendee)).scalars():
        assert attendee.max_meetings is None or 1 <= attendee.max_meetings <= 50
    for meeting in db.session.execute(db.select(SavedMeeting)).scalars():
        assert 1 <= meeting.table_number <= 5000 and 1 <= meeting.round_number <= 50


@SETTINGS
@given(day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
       length=st.sampled_from(["15", "600", "601", "²", "9" * 20]),
       count=st.sampled_from(["1", "50", "51", "2147483648"]))
def test_an_event_is_saved_only_with_valid_dates_and_rounds(client, world, day, length, count):
    before = db.session.query(Event).count()
    slug = f"e-{day.isoformat()}-{len(length)}-{len(count)}"
    response = client.post("/organiser/events/new", data={
        "name": "Edge", "slug": slug, "day": day.isoformat(), "timezone": "Europe/Stockholm",
        "language": "en", "first_start": "23:00", "round_length": length, "break_length": "5",
        "round_count": count, "topics": "A\nB", "registration_open": "y", "mutuality": ""})
    assert_no_5xx(response, f"new event on {day}")
    valid = (FIRST_EVENT_DAY <= day <= LAST_EVENT_DAY and length in ("15", "600")
             and count in ("1", "50"))
    saved = db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()
    assert (saved is not None) == valid, response.get_data(as_text=True)[-3000:]
    assert db.session.query(Event).count() == before + valid
    if saved is not None:
        assert client.get(f"/e/{slug}").status_code == 200  # and its public page works
        db.session.delete(saved)
        db.session.commit()


# Cell → whether it is valid (the event has rounds 1-4; max_meetings is 1-50).
MAX_CELLS = {"": True, "3": True, "50": True, " 2 ": True, "51": False, "0": False, "-1": False,
             "²": False, "١": False, "2147483648": False, "9" * 30: False, "x" * 131_073: False}
ROUND_CELLS = {"": True, "1": True, "1;4": True, "5": False, "²": False, "2147483648": False,
               "9" * 30: False, "x" * 131_073: False}


@SETTINGS
@given(max_meetings=st.sampled_from(sorted(MAX_CELLS)), rounds=st.sampled_from(sorted(ROUND_CELLS)),
       notes=st.sampled_from(["", "y" * 131_073, "short"]))
def test_a_csv_import_saves_rows_only_when_every_cell_is_valid(client, world, max_meetings, rounds,
                                                                 notes):
    before = db.session.query(Attendee).count()
    text = ("name,email,offers,needs,available_rounds,max_meetings,offers_text\n"
            f"Edge Case,edge@example.com,UX design,Mentoring,\"{rounds}\",\"{max_meetings}\",{notes}\n")
    response = client.post(f"/organiser/events/{world['slug']}/import",
                           data={"file": (io.BytesIO(text.encode()), "people.csv")},
                           content_type="multipart/form-data")
    assert_no_5xx(response, "CSV import")
    valid = MAX_CELLS[max_meetings] and ROUND_CELLS[rounds] and notes != "y" * 131_073
    assert db.session.query(Attendee).count() - before == valid
    for attendee in db.session.execute(db.select(Attendee).filter_by(email="edge@example.com")).scalars():
        assert attendee.max_meetings in (None, 2, 3, 50)
        db.session.delete(attendee)
    db.session.commit()


@SETTINGS
@given(table=st.sampled_from(["1", "4", "5000", "5001", "2000000000", "2147483648", "9" * 25, "²"]),
       round_number=st.sampled_from(["1", "4", "51", "2147483648", "-1"]))
def test_moving_a_meeting_to_any_table_number_never_fails(client, world, table, round_number):
    version = db.session.execute(db.select(ScheduleVersion).filter_by(
        event_id=world["event_id"], status="published")).scalar_one()
    draft_url = f"/organiser/events/{world['slug']}/schedule/v/{version.number}/copy"
    assert_no_5xx(client.post(draft_url), "copy")
    draft = db.session.execute(db.select(ScheduleVersion).filter_by(event_id=world["event_id"])
                               .order_by(ScheduleVersion.number.desc()).limit(1)).scalar_one()
    meeting = draft.meetings[0]
    response = client.post(
        f"/organiser/events/{world['slug']}/schedule/v/{draft.number}/meetings/{meeting.id}/move",
        data={"round_number": round_number, "table_number": table})
    assert_no_5xx(response, f"move to table {table}")
    db.session.expire_all()
    assert all(1 <= m.table_number <= 5000 and 1 <= m.round_number <= 50
               for m in db.session.execute(db.select(SavedMeeting)).scalars())
