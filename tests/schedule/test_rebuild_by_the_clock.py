"""The rebuild follows the clock: before the event nothing is held and building a new version
stays the main action; once a round is over, rebuilding the remaining rounds is, with the
rounds over preselected. A rebuild with no round held keeps the published meetings that still
fit and fits in people who registered late."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meetmatch.extensions import db
from meetmatch.models import Job, ScheduleVersion
from meetmatch.schedules import engine_io, versions
from meetmatch.worker import work_once


@pytest.fixture
def app_config(app_config, smtp_server):
    return app_config | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port}


def _selected(page: str) -> tuple[str, str]:
    """The preselected "rounds already held" option: (value, label)."""
    select = page.split('name="held_rounds"')[1].split("</select>")[0]
    return re.search(r'<option selected value="(\d+)">([^<]+)</option>', select).groups()


def _rounds_over_by_the_clock(event, over: int) -> None:
    now = datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None, second=0, microsecond=0)
    for r in event.rounds:  # 15-minute rounds 20 minutes apart: ``over`` of them ended
        r.starts_at = now + timedelta(minutes=20 * (r.number - over - 1))
    db.session.commit()


def test_before_the_event_building_is_the_main_action_and_no_round_is_held(client, login, published):
    event, _v1 = published()
    _rounds_over_by_the_clock(event, -14 * 24 * 3)  # two weeks ahead, whatever today's date is
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/").get_data(as_text=True)
    assert page.index("Build a new draft") < page.index("Rebuild the remaining rounds")
    assert 'id="build-from-scratch"' not in page
    assert _selected(page) == ("0", "None yet")
    assert '<option value="1">Round 1</option>' in page and "Rounds 1–3" in page
    rebuild = page.split('id="rebuild"')[1].split("</form>")[0]
    assert 'class="secondary"' in rebuild and "No round is over yet" in rebuild
    swedish = client.get(f"/organiser/events/{event.slug}/schedule/?lang=sv").get_data(as_text=True)
    assert _selected(swedish) == ("0", "Inga än")


def test_once_a_round_is_over_the_rebuild_is_the_main_action(client, login, published):
    event, _v1 = published()
    _rounds_over_by_the_clock(event, 1)
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/").get_data(as_text=True)
    assert page.index("Rebuild the remaining rounds") < page.index("Start over")
    assert 'id="build-from-scratch"' in page and "Build a new draft" not in page
    assert _selected(page) == ("1", "Round 1")
    rebuild = page.split('id="rebuild"')[1].split("</form>")[0]
    assert 'class="secondary"' not in rebuild and "No round is over yet" not in rebuild
    _rounds_over_by_the_clock(event, 4)  # all over: the last round is never "held" in a rebuild
    assert _selected(client.get(f"/organiser/events/{event.slug}/schedule/").get_data(as_text=True)) \
        == ("3", "Rounds 1–3")


def test_a_rebuild_with_no_round_held_keeps_the_published_meetings_and_includes_late_registrants(
        client, login, published, make_attendee):
    event, v1 = published(min_meetings=2)
    late = make_attendee(event, name="Lena Late", organisation="Latecomers",
                         offers=("Seed funding", "Mentoring"), needs=("UX design", "Recruiting"))
    v1_meetings = {(m.round_number, m.table_number, frozenset(m.people_ids)) for m in v1.meetings}
    login()
    base = f"/organiser/events/{event.slug}/schedule"
    response = client.post(f"{base}/rebuild", data={"held_rounds": 0, "time_limit": 2})
    assert response.status_code == 302
    work_once()
    job = db.session.query(Job).order_by(Job.id.desc()).first()
    assert job.status == "done", job.error
    v2 = db.session.get(ScheduleVersion, job.version_id)
    assert v2.held_rounds == 0 and v2.based_on_id == v1.id
    # nothing changed for the others: every published meeting is kept as it was
    assert versions.details_of(v2)["kept"] == len(v1_meetings)
    assert v1_meetings <= {(m.round_number, m.table_number, frozenset(m.people_ids)) for m in v2.meetings}
    assert str(late.id) in versions.details_of(v2)["targets"]  # considered this time
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rebuilt from version 1 with no round held yet;" in page and "rounds 1–0" not in page
    # a rebuild's inputs include the kept meetings: it is not "changed since" a fresh build's
    page = client.get(f"{base}/v/2").get_data(as_text=True)
    assert "Registrations or settings changed since" not in page
    assert "future meetings kept from the published version" in page
    overview = client.get(f"{base}/").get_data(as_text=True)
    row = overview.split(f'href="{base}/v/2"')[1].split("</tr>")[0]
    assert "rebuild" in row and "registrations changed since" not in row
    assert 'id="registered-after"' in overview  # still: version 1 is the published one
    client.post(f"{base}/v/2/publish")
    assert 'id="registered-after"' not in client.get(f"{base}/").get_data(as_text=True)
    # a copy to adjust by hand is no rebuild
    copy = versions.copy_to_draft(v1)
    assert not versions.is_rebuild(copy) and versions.is_rebuild(v2)


def test_one_held_round_is_said_as_round_1(client, login, published):
    event, v1 = published()
    login()
    base = f"/organiser/events/{event.slug}/schedule"
    response = client.post(f"{base}/rebuild", data={"held_rounds": 1, "time_limit": 2})
    work_once()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rebuilt from version 1: round 1 kept exactly;" in page and "1–1" not in page
    page = client.get(f"{base}/v/2").get_data(as_text=True)
    assert "rebuild keeping round 1" in page and "1–1" not in page
    swedish = client.get(response.headers["Location"] + "?lang=sv").get_data(as_text=True)
    assert "runda 1 behållen exakt;" in swedish and "1–1" not in swedish
    assert "ombyggnad som behåller runda 1" in client.get(f"{base}/v/2?lang=sv").get_data(as_text=True)
    # more rounds keep their range
    v3 = engine_io.build_schedule(event, time_limit=2.0, held_rounds=2, based_on=v1)
    assert "rebuild keeping rounds 1–2" in client.get(f"{base}/v/{v3.number}?lang=en").get_data(as_text=True)
