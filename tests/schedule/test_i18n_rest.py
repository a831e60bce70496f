"""Issue 11's remaining Swedish gaps: the schedule export, the worker's build errors, rebuild
notes and problems, a cancelled meeting's note, agenda cards in each attendee's language and
the rounds a person sits out (mail and page)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from openpyxl import load_workbook

from meetmatch.extensions import db
from meetmatch.i18n import force_locale
from meetmatch.models import Job, PairRule, PairRuleKind
from meetmatch.schedules import adjust, engine_io, versions
from meetmatch.worker import work_once

ENGLISH_REQUEST_WORDS = ("has no free round", "They are not free in the same round",
                         "No round was left", "It is not possible together")


def _export(client, event, version, ext, lang):
    path = f"/organiser/events/{event.slug}/schedule/v/{version.number}/meetings.{ext}?lang={lang}"
    response = client.get(path)
    assert response.status_code == 200
    return response.data


def test_exports_follow_the_organisers_language(client, login, published):
    event, version = published()
    login()
    text = _export(client, event, version, "csv", "sv").decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Runda", "Börjar", "Slutar", "Bord", "Person", "Organisation", "E-post",
                       "Mötespartner", "Mötespartnerns organisation", "Mötespartnerns e-post",
                       "Varför"]
    assert len(rows) - 1 == len(version.meetings)
    assert all(re.fullmatch(r"Bord \d+", row[3]) for row in rows[1:])
    assert any(" erbjuder ”" in row[10] for row in rows[1:])  # the reasons' fixed words too
    assert not any("offers '" in row[10] for row in rows[1:])

    book = load_workbook(io.BytesIO(_export(client, event, version, "xlsx", "sv")))
    assert book.sheetnames == ["Alla möten", "Runda 1 13.00", "Runda 2 13.20", "Runda 3 13.40",
                               "Runda 4 14.00"]
    first = next(book["Runda 1 13.00"].iter_rows(values_only=True))
    assert first[:4] == ("Runda", "Börjar", "Slutar", "Bord") and first[10] == "Varför"

    # switching back gives English again (the organiser's page language, not a fixed one)
    book = load_workbook(io.BytesIO(_export(client, event, version, "xlsx", "en")))
    assert book.sheetnames[0] == "All meetings"
    assert next(book["All meetings"].iter_rows(values_only=True))[7] == "Partner"


def test_failed_build_is_explained_in_the_events_language(app, client, login, small_event):
    event = small_event(language="sv", num_tables=4)
    chloe = next(a for a in event.attendees if a.name == "Chloe Martin")
    chloe.host_table = 9
    db.session.commit()
    login()
    response = client.post(f"/organiser/events/{event.slug}/schedule/build", data={"time_limit": "2"})
    work_once()
    job = db.session.query(Job).order_by(Job.id.desc()).first()
    assert job.status == "failed"
    assert job.error == ("Chloe Martin har värdbord 9, som evenemanget inte har (det har 4 bord). "
                         "Byt personens värdbord, eller höj antalet bord under Inställningar.")
    page = unescape(client.get(response.headers["Location"] + "?lang=sv").get_data(as_text=True))
    assert "Bygget kunde inte köras." in page and job.error in page
    # no engine field names or list indexes reach the organiser
    assert "attendees[" not in page and "host_table" not in page and "outside 1.." not in page


def test_event_without_rounds_is_explained_in_swedish(app, make_event):
    event = make_event(rounds=0, language="sv")
    try:
        with force_locale("sv"):
            engine_io.problem_from_event(event)
    except engine_io.BuildError as error:
        assert str(error) == "Evenemanget har inga rundor. Lägg till rundor under Inställningar."
    else:
        raise AssertionError("an event without rounds cannot be built")


def test_unmet_requests_are_listed_in_swedish(app, client, login, small_event):
    event = small_event(rounds=2, language="sv")
    ada, *others = event.attendees
    for other in others[:4]:  # Ada must meet four people in two rounds: impossible
        db.session.add(PairRule(event_id=event.id, attendee_a_id=ada.id, attendee_b_id=other.id,
                                kind=PairRuleKind.MUST_MEET))
    db.session.commit()
    version = engine_io.build_schedule(event, time_limit=2.0)
    login()
    page = unescape(client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}?lang=sv")
                    .get_data(as_text=True))
    assert "Det schemat inte kunde uppfylla" in page
    assert "Begärt möte" in page and "Requested meeting" not in page
    assert "Ada Lovelace och " in page
    assert not [words for words in ENGLISH_REQUEST_WORDS if words in page]
    # the English page says the stored rule in English (a key, not a translated text)
    english = client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}?lang=en")
    assert "Requested meeting" in english.get_data(as_text=True)


def _cancelled_pair_rebuilt(published, language):
    event, v1 = published(language=language)
    draft = versions.copy_to_draft(v1)
    meeting = next(m for m in draft.meetings if m.round_number == 3)
    a, b = meeting.attendee_a, meeting.attendee_b
    adjust.cancel_meeting(draft, meeting)
    v2 = engine_io.build_schedule(event, time_limit=2.0, held_rounds=1, based_on=v1)
    notes = [n for n in versions.details_of(v2)["notes"] if a.name in n and b.name in n]
    assert len(notes) == 1, versions.details_of(v2)["notes"]
    return notes[0], a, b


def test_rebuild_note_says_the_organiser_cancelled_the_meeting(app, published):
    note, a, b = _cancelled_pair_rebuilt(published, "en")
    assert note.startswith(f"Not kept: {a.name} and {b.name} in round 3 (Table ")
    assert "the organiser cancelled their meeting by hand" in note
    assert "a meeting rule" not in note


def test_rebuild_note_is_in_the_events_language(app, published):
    note, a, b = _cancelled_pair_rebuilt(published, "sv")
    assert note.startswith(f"Behölls inte: {a.name} och {b.name} i runda 3 (Bord ")
    assert "arrangören ställde in deras möte för hand" in note


def _card_of(page: str, name: str) -> tuple[str, str]:
    """(lang, text) of ``name``'s agenda card on a print page."""
    for lang, card in re.findall(r'<section class="agenda-card" lang="(\w+)">(.*?)</section>', page, re.S):
        if f"<h2>{name}" in card:
            return lang, unescape(card)
    raise AssertionError(f"no agenda card for {name}")


def test_agenda_cards_are_in_each_attendees_language(client, login, published):
    from meetmatch.schedules import pdf

    event, version = published(language="sv")
    first = version.meetings[0]
    english, swedish = first.attendee_a, first.attendee_b
    english.language = "en"  # chose English on the public pages; the other kept the event's
    db.session.commit()
    login()
    page = client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}/print/agenda"
                      "?lang=en").get_data(as_text=True)
    assert '<html lang="sv">' in page  # the printout itself stays in the event's language
    lang, card = _card_of(page, english.name)
    assert lang == "en" and re.search(r"Round \d+ · Table \d+", card) and "Runda" not in card
    assert "Thursday 10 December 2026" in card  # the date in their language too
    assert re.search(r"You can help \w+ with|\w+ can help you with", card)  # the reason too
    lang, card = _card_of(page, swedish.name)
    assert lang == "sv" and re.search(r"Runda \d+ · Bord \d+", card) and "Round " not in card
    assert "torsdag 10 december 2026" in card
    assert re.search(r"Du kan hjälpa \w+ med|\w+ kan hjälpa dig med", card)
    # the PDF is made from the same HTML
    html = pdf.pdf_html(event, version, "agenda")
    assert _card_of(html, english.name)[0] == "en" and _card_of(html, swedish.name)[0] == "sv"


def test_schedule_mail_names_the_rounds_a_person_sits_out(app, small_event, smtp, smtp_server):
    from meetmatch.schedules.mail import send_schedules

    event = small_event(language="sv")
    ada = next(a for a in event.attendees if a.name == "Ada Lovelace")
    ada.max_meetings = 2
    db.session.commit()
    version = engine_io.build_schedule(event, time_limit=2.0)
    versions.publish_version(version)
    busy = {m.round_number for m in version.meetings if ada.id in (m.attendee_a_id, m.attendee_b_id)}
    assert len(busy) == 2
    free = [r for r in event.rounds if r.number not in busy]
    send_schedules(version)
    work_once()
    [message] = smtp_server.to(ada.email)
    text = message.get_body(("plain",)).get_content()
    html = unescape(message.get_body(("html",)).get_content())
    assert "Du har inget möte i de här rundorna: tid för det öppna minglet eller en paus." in text
    for r in free:
        line = f"Runda {r.number}, {r.starts_at:%H:%M}–{r.ends_at:%H:%M}"
        assert re.search(rf"^  - {line}\r?$", text, re.M), text
        assert f"<li>Runda {r.number} · {r.starts_at:%H:%M}–{r.ends_at:%H:%M}</li>" in html
    # someone with a meeting in every round they can attend is told nothing of the kind
    full = next(a for a in event.attendees
                if len({m.round_number for m in version.meetings
                        if a.id in (m.attendee_a_id, m.attendee_b_id)}) == 4)
    [message] = smtp_server.to(full.email)
    assert "inget möte i" not in message.get_body(("plain",)).get_content()


def test_attendee_page_lists_the_rounds_they_sit_out(app, client, small_event):
    from meetmatch.registration import issue_manage_link

    event = small_event()
    ada = next(a for a in event.attendees if a.name == "Ada Lovelace")
    ada.max_meetings = 2
    ada.available_rounds = "1,2,3"  # round 4 is not hers: not "free", she is not there
    db.session.commit()
    version = engine_io.build_schedule(event, time_limit=2.0)
    versions.publish_version(version)
    busy = {m.round_number for m in version.meetings if ada.id in (m.attendee_a_id, m.attendee_b_id)}
    [free] = [r for r in event.rounds if r.number not in busy and r.number != 4]
    with app.test_request_context():
        url = issue_manage_link(ada, "test")
    db.session.commit()
    page = unescape(client.get(url.removeprefix("http://localhost")).get_data(as_text=True))
    assert "You have no meeting in this round: time for the open networking or a break." in page
    assert f"<li>Round {free.number} · {free.starts_at:%H:%M}–{free.ends_at:%H:%M}</li>" in page
    assert "<li>Round 4 ·" not in page
    page = unescape(client.get(url.removeprefix("http://localhost") + "?lang=sv").get_data(as_text=True))
    assert "Du har inget möte i den här rundan" in page and f"<li>Runda {free.number} · " in page


def test_statuses_on_organiser_pages_are_in_swedish(app, client, login, small_event, smtp):
    from meetmatch.schedules.mail import send_schedules

    event = small_event()
    withdrawn = event.attendees[9]
    login()
    client.get("/organiser/?lang=sv")  # the organiser switches to Swedish
    response = client.post(f"/organiser/events/{event.slug}/schedule/build", data={"time_limit": "2"})
    job_url = response.headers["Location"]
    queued = unescape(client.get(job_url).get_data(as_text=True))
    assert re.search(r'<dd id="job-state">i kö</dd>', queued)
    assert "Ett bygge är i kö." in unescape(client.get(f"/organiser/events/{event.slug}/schedule/")
                                            .get_data(as_text=True))
    work_once()
    done = unescape(client.get(job_url).get_data(as_text=True))
    assert '<dd id="job-state">klar</dd>' in done and ">done<" not in done
    index = unescape(client.get(f"/organiser/events/{event.slug}/schedule/").get_data(as_text=True))
    assert '<span class="badge draft">utkast</span>' in index and ">draft<" not in index
    [version] = versions.versions_of(event)
    versions.publish_version(version)
    send_schedules(version)
    mail = unescape(client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}/mail")
                    .get_data(as_text=True))
    assert '<span class="badge queued">i kö</span>' in mail and ">queued<" not in mail
    work_once()
    mail = unescape(client.get(f"/organiser/events/{event.slug}/schedule/v/{version.number}/mail")
                    .get_data(as_text=True))
    assert '<span class="badge sent">skickat</span>' in mail and ">sent<" not in mail
    withdrawn.status = "withdrawn"
    db.session.commit()
    page = unescape(client.get(f"/organiser/events/{event.slug}/attendees/{withdrawn.id}").get_data(as_text=True))
    assert "återkallad</span>" in page and ">withdrawn<" not in page


def test_mail_page_warns_when_attendees_cannot_reply(client, login, published):
    event, version = published()
    login()
    url = f"/organiser/events/{event.slug}/schedule/v/{version.number}/mail"
    page = client.get(url + "?lang=sv").get_data(as_text=True)
    assert 'id="no-contact"' in page and "kan inte svara" in page
    event.contact_email = "hello@example.com"
    db.session.commit()
    assert 'id="no-contact"' not in client.get(url).get_data(as_text=True)


def test_rebuild_form_says_the_held_rounds_in_swedish(client, login, published):
    event, version = published()
    login()
    page = unescape(client.get(f"/organiser/events/{event.slug}/schedule/?lang=sv").get_data(as_text=True))
    assert ">Runda 1</option>" in page and ">Rundorna 1–3</option>" in page
    assert "Rounds 1–" not in page
