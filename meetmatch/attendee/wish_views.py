"""Who is coming, suggested matches and wishes, from the attendee's private link."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from .. import wishes
from ..extensions import limiter
from ..i18n import _
from ..models import Event, WishKind
from ..security import hash_token, public_event_view
from . import bp
from .forms import WishForm
from .views import _attendee_for_link


def _wish_limit() -> str:
    return current_app.config["RATELIMIT_WISH"]


def _per_link() -> str:
    """Wish changes are limited per private link (hashed: the token is a secret)."""
    return "wish:" + hash_token((request.view_args or {}).get("token", ""))


def _list_args() -> dict:
    """The list's search, topic and page, to come back to the same place after a change."""
    args = request.values
    out = {"q": (args.get("q") or "")[:100], "page": args.get("page", type=int) or 1}
    if args.get("topic", type=int):
        out["topic"] = args.get("topic", type=int)
    return {k: v for k, v in out.items() if v not in ("", 1)}


@bp.get("/e/<slug>/manage/<token>/people")
@public_event_view
def people(event: Event, token: str):
    """Other listed attendees, suggestions first, with the viewer's wishes."""
    attendee = _attendee_for_link(event, token)
    args = _list_args()
    topic_ids = {t.id for t in event.topics}
    topic = args.get("topic") if args.get("topic") in topic_ids else None
    page = wishes.listed_people(event, attendee, q=args.get("q", ""), topic_id=topic,
                                page=args.get("page", 1))
    suggestions = [(s.other, wishes.second_person_reason(s, attendee))
                   for s in wishes.suggestions_for(attendee)]
    return render_template(
        "attendee/people.html", event=event, attendee=attendee, token=token, page=page,
        suggestions=suggestions, own=wishes.wishes_of(attendee), form=WishForm(),
        used=wishes.meet_wishes_used(attendee), is_open=wishes.wishes_are_open(event),
        preparing=wishes.suggestions_pending(event, attendee),
        q=args.get("q", ""), topic=topic, list_args=args, WishKind=WishKind)


@bp.post("/e/<slug>/manage/<token>/people/<int:other_id>")
@limiter.limit(_wish_limit, key_func=_per_link)
@public_event_view
def wish(event: Event, token: str, other_id: int):
    """Store "I'd like to meet" / "I'd rather not meet" / no wish about one listed person."""
    attendee = _attendee_for_link(event, token)
    form = WishForm()
    if not form.validate_on_submit():
        abort(400)
    kind = None if form.kind.data == "none" else WishKind(form.kind.data)
    try:
        other = wishes.set_wish(attendee, other_id, kind)
    except wishes.WishNotFound:
        abort(404)
    except wishes.WishRefused as refused:
        flash(str(refused), "error")
    else:
        message = {WishKind.MEET: _("You would like to meet %(name)s.", name=other.name),
                   WishKind.AVOID: _("You would rather not meet %(name)s. Nobody is told.",
                                     name=other.name),
                   None: _("No wish about %(name)s any more.", name=other.name)}[kind]
        flash(message, "success")
    return redirect(url_for("attendee.people", slug=event.slug, token=token, **_list_args())
                    + f"#person-{other_id}")
