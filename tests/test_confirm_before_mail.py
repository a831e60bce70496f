"""Every organiser action that mails people, deletes or marks people absent asks first, on a
page that says what will happen (no JavaScript): the wish invitations, the logo's removal;
feedback requests and "the rest are no-shows" are in tests/feedback/test_confirm_pages.py."""

from __future__ import annotations

from html import unescape

from meetmatch import wishes
from meetmatch.extensions import db
from meetmatch.models import OutboxMessage, utcnow


def _mails(kind):
    return db.session.query(OutboxMessage).filter_by(kind=kind).count()


def test_wish_invitations_ask_first_and_say_how_many(app, client, login, make_event, make_attendee):
    app.config.update(SCORER="lexical", SUGGESTIONS_REFRESH_SECONDS=0)
    event = make_event()
    event.wishes_open = True
    for name, offers, needs in (("Ida Berg", ["UX design"], ["Seed funding"]),
                                ("Leo Sund", ["Seed funding"], ["UX design"])):
        make_attendee(event, name, offers=offers, needs=needs, listed_at=utcnow())
    db.session.commit()
    wishes.compute_suggestions(event)
    login()
    wishes_page = client.get(f"/organiser/events/{event.slug}/wishes").get_data(as_text=True)
    url = f"/organiser/events/{event.slug}/wishes/invite"
    assert f'href="{url}"' in wishes_page  # a link to the page that asks, not a button that mails
    page = unescape(client.get(url + "?lang=sv").get_data(as_text=True))
    assert "Mejla deltagarna deras matchningsförslag?" in page
    assert "Det här mejlar 2 deltagare deras matchningsförslag" in page
    assert "Ida Berg" in page and "Leo Sund" in page and "Mejla 2 personer" in page
    assert _mails("wishes_open") == 0  # looking at the page mails nobody
    client.post(url)
    assert _mails("wishes_open") == 2
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "This emails 0 attendees" in page and "Email 0 people" in page


def test_removing_the_logo_asks_first(client, login, make_event):
    from io import BytesIO

    from PIL import Image

    event = make_event()
    login()
    out = BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, format="PNG")
    client.post(f"/organiser/events/{event.slug}/logo",
                data={"image": (BytesIO(out.getvalue()), "logo.png")},
                content_type="multipart/form-data")
    db.session.refresh(event)
    assert event.logo_png
    url = f"/organiser/events/{event.slug}/logo/remove"
    logo_page = client.get(f"/organiser/events/{event.slug}/logo").get_data(as_text=True)
    assert f'href="{url}"' in logo_page
    page = unescape(client.get(url + "?lang=sv").get_data(as_text=True))
    assert "Ta bort logotypen?" in page and "Logotypen försvinner från den publika sidan" in page
    db.session.refresh(event)
    assert event.logo_png  # still there until confirmed
    client.post(url)
    db.session.refresh(event)
    assert not event.logo_png
