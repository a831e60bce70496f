"""Images: the event's logo (public, like the event page) and the site's favicon."""

from __future__ import annotations

import base64

from flask import Response, abort, current_app, send_from_directory

from ..event_logo import logo_version
from ..models import Event
from ..registration import public_url
from ..security import public_event_view
from . import bp


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root (pages also link the SVG one)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@bp.get("/e/<slug>/logo.png")
@public_event_view
def event_logo(event: Event):
    """The stored (re-encoded) PNG; the URL carries its fingerprint, so it may be cached long."""
    if event.logo_png is None:
        abort(404)
    return Response(event.logo_png, mimetype="image/png", headers={
        "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'"})


@bp.app_template_global()
def event_logo_url(event: Event) -> str:
    """The logo's absolute address (mail needs one; pages work with it too)."""
    return public_url("attendee.event_logo", slug=event.slug, v=logo_version(event))


@bp.app_template_global()
def event_logo_data(event: Event) -> str:
    """The logo inline as a data: URL, for print pages and PDFs (which load nothing)."""
    return "data:image/png;base64," + base64.b64encode(event.logo_png or b"").decode("ascii")


bp.add_app_template_global(logo_version, "logo_version")
