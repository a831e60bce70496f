"""What a private link that no longer works shows: not a bare 404, but why, and a way to get
a working link. Whether an address is registered is never told: "send my link again" answers
every address alike (``views.resend_link``)."""

from __future__ import annotations

from flask import Response, make_response, render_template

from .. import registration
from ..models import Event
from .forms import ResendForm


def dead_link_page(event: Event, token: str) -> Response:
    """The page for a link that was replaced by a newer one (revoked), or was never issued.

    Both answer 404, as before: scripts and tests that check a dead link see the same status;
    people see what happened and how to get a working link."""
    replaced = registration.link_was_replaced(event, token)
    response = make_response(render_template("attendee/link_replaced.html", event=event,
                                             replaced=replaced, form=ResendForm()),
                             404)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
