"""QR codes (segno, SVG) for printed agenda cards: each opens its attendee's private page.

A card's link is a manage link like those in mails, but its token is derived from the secret
key and the attendee (HMAC), so printing the cards again (the page, the PDF) gives the same
code and stores one token row per person. "Send my link again" revokes it like every other
link; the next print then carries a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io

from flask import current_app
from markupsafe import Markup

from .extensions import db
from .models import Attendee, ManageToken
from .registration import manage_url
from .security import hash_token

CARD_PURPOSE = "print_card"


def qr_svg(data: str, *, title: str = "", scale: int = 3) -> Markup:
    """An inline SVG QR code of ``data`` (error correction M: survives a crease or a smudge)."""
    import segno

    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        out, kind="svg", xmldecl=False, svgns=True, title=title or None, scale=scale,
        svgclass="qr", lineclass=None, nl=False)
    return Markup(out.getvalue().decode("utf-8"))  # SVG made by segno from a URL; no markup from input  # nosec B704


def _card_token(attendee: Attendee, generation: int) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"card:{attendee.event_id}:{attendee.id}:{generation}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def card_links(attendees: list[Attendee]) -> dict[int, str]:
    """{attendee id: private link for their printed card}, storing the tokens that are new
    (committed here: a printed code must work even if the page that showed it was only read)."""
    if not attendees:
        return {}
    ids = [a.id for a in attendees]
    rows = db.session.execute(
        db.select(ManageToken.attendee_id, ManageToken.token_hash, ManageToken.revoked_at)
        .where(ManageToken.attendee_id.in_(ids), ManageToken.purpose == CARD_PURPOSE)).all()
    revoked: dict[int, int] = {}
    stored: set[str] = set()
    for attendee_id, token_hash, revoked_at in rows:
        stored.add(token_hash)
        if revoked_at is not None:
            revoked[attendee_id] = revoked.get(attendee_id, 0) + 1
    links, added = {}, False
    for a in attendees:
        token = _card_token(a, revoked.get(a.id, 0))
        if hash_token(token) not in stored:
            db.session.add(ManageToken(attendee=a, token_hash=hash_token(token), purpose=CARD_PURPOSE))
            added = True
        links[a.id] = manage_url(a.event, token)
    if added:
        db.session.commit()
    return links


def card_qr_codes(attendees: list[Attendee]) -> dict[int, Markup]:
    """{attendee id: SVG QR code of their card link}."""
    return {attendee_id: qr_svg(link, title="Your schedule and feedback page")
            for attendee_id, link in card_links(attendees).items()}
