"""Images: the event's logo (public, like the event page) and the site's favicon."""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from flask import Response, abort, current_app

from ..event_logo import logo_version
from ..models import Event
from ..registration import public_url
from ..security import public_event_view
from . import bp


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root (pages also link the SVG one).

    Served from memory: browsers often drop this request half-way (a page navigates on),
    and a file handle left to the server's clean-up is then closed late, if at all."""
    return Response(_favicon_bytes(current_app.static_folder), mimetype="image/vnd.microsoft.icon",
                    headers={"Cache-Control": "public, max-age=86400"})


@lru_cache(maxsize=1)
def _favicon_bytes(static_folder: str) -> bytes:
    return (Path(static_folder) / "favicon.ico").read_bytes()


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
