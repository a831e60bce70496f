"""People who register after a schedule version was published: the version never considered
them. Their page and confirmation mail say so, and the organiser sees who they are and what
includes them."""

from __future__ import annotations

from markupsafe import escape

from meetmatch.extensions import db
from meetmatch.models import SavedMeeting
from meetmatch.schedules import versions

LATE_PAGE = "You registered after the schedule was made"
NO_GAIN = "we could not find a meeting where both sides gain"


def test_registered_after_lists_the_active_people_the_version_never_considered(
        app, published, make_attendee):  # noqa: ARG001
    event, v1 = published()
    assert versions.registered_after(event, v1) == []
    late = [make_attendee(event, name=f"Late {n}", offers=("Mentoring",), needs=("UX design",))
            for n in range(3)]
    late[2].status = "withdrawn"
    db.session.commit()
    assert versions.registered_after(event, v1) == late[:2]
    assert versions.registered_after_published(late[0]) and not versions.registered_after_published(late[2])
    assert not versions.registered_after_published(event.attendees[0])
    # a meeting added by hand (in a copy) includes them: the copy no longer lists them
    draft = versions.copy_to_draft(v1)
    free_table = 1 + max(m.table_number for m in draft.meetings if m.round_number == 4)
    draft.meetings.append(SavedMeeting(round_number=4, table_number=free_table, attendee_a_id=late[0].id,
                                       attendee_b_id=late[1].id, score=0.0, why=""))
    db.session.commit()
    assert versions.registered_after(event, draft) == []
    # a version saved before targets were stored considered everyone
    v1.details = "{}"
    db.session.commit()
    assert versions.registered_after(event, v1) == [] and not versions.registered_after_published(late[0])


def test_a_late_registrant_is_told_the_schedule_was_made_without_them(
        client, published, register, manage_path, outbox):
    event, _v1 = published()
    register(event, name="Greta Late", email="late.greta@example.com")
    mail = outbox(to_addr="late.greta@example.com")[-1]
    for body in (mail.body_text, mail.body_html):
        assert "already made before you registered" in body and "The organiser is told" in body
        assert "Before the event you will get your personal schedule" not in body
    page = client.get(manage_path("late.greta@example.com")).get_data(as_text=True)
    assert LATE_PAGE in page and "The organiser has been told" in page and NO_GAIN not in page
    swedish = client.get(manage_path("late.greta@example.com") + "?lang=sv").get_data(as_text=True)
    assert "Du anmälde dig efter att schemat gjordes" in swedish
    # someone the version considered sees their meetings, never the late-registration text
    ada = event.attendees[0]
    from meetmatch.registration import issue_manage_link
    link = issue_manage_link(ada, "test")
    db.session.commit()
    assert LATE_PAGE not in client.get(link.replace("http://localhost", "")).get_data(as_text=True)


def test_the_confirmation_before_any_schedule_promises_the_schedule(client, small_event, register, outbox):
    event = small_event()
    register(event, email="early@example.com")
    mail = outbox(to_addr="early@example.com")[-1]
    assert "Before the event you will get your personal schedule" in mail.body_text
    assert "already made" not in mail.body_text


def test_the_organiser_sees_who_registered_after_the_published_version(
        client, login, published, make_attendee):
    event, v1 = published()
    login()
    base = f"/organiser/events/{event.slug}/schedule"
    assert 'id="registered-after"' not in client.get(f"{base}/").get_data(as_text=True)
    late = [make_attendee(event, name=f"Late Person {n}", offers=("Mentoring",), needs=("UX design",))
            for n in range(7)]
    for url in (f"{base}/", f"{base}/v/{v1.number}"):
        page = client.get(url).get_data(as_text=True)
        notice = page.split('id="registered-after"')[1].split("</div>")[0]
        assert "7 people registered after version 1 was built:" in notice
        assert "Late Person 0, Late Person 1, Late Person 2, Late Person 3, Late Person 4 and 2 more." in notice
        assert "Late Person 5" not in notice
        assert f'href="{base}/#rebuild"' in notice and "rebuild the remaining rounds" in notice
        assert f'href="{base}/v/1"' in notice and "add meetings for them by hand" in notice
    # the rebuild section the notice points to is on the overview page
    assert 'id="rebuild"' in client.get(f"{base}/").get_data(as_text=True)
    # a draft built later is not "the published version": no notice on its page
    draft = versions.copy_to_draft(v1)
    assert 'id="registered-after"' not in client.get(f"{base}/v/{draft.number}").get_data(as_text=True)
    # one person: said in the singular, the name in full
    for person in late[1:]:
        person.status = "withdrawn"
    db.session.commit()
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "1 person registered after version 1 was built:" in page
    assert f"{escape(late[0].name)}." in page
    swedish = client.get(f"{base}/?lang=sv").get_data(as_text=True)
    assert "1 person anmälde sig efter att version 1 byggdes:" in swedish
