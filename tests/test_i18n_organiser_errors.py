"""Error messages an organiser reads on a Swedish page come in Swedish (issue 11 audit): the
logo upload's checks were English whatever the page's language."""

from __future__ import annotations

from html import unescape
from io import BytesIO


def test_logo_errors_follow_the_page_language(client, login, make_event):
    event = make_event()
    login()
    url = f"/organiser/events/{event.slug}/logo"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    response = client.post(url + "?lang=sv", data={"image": (BytesIO(svg), "logo.png")},
                           content_type="multipart/form-data")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Filen är inte en PNG-, JPEG-, GIF- eller WebP-bild (SVG godtas inte)." in page
    assert "This file is not" not in page
    response = client.post(url + "?lang=en", data={"image": (BytesIO(svg), "logo.png")},
                           content_type="multipart/form-data")
    assert "This file is not a PNG, JPEG, GIF or WebP image" in unescape(response.get_data(as_text=True))
