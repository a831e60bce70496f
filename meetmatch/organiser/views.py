"""Organiser views: login, events, registrations and CSV import/export (one attendee's pages
are in attendee_views.py); thin wrappers over the ``events``, ``registration`` and CSV services."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from .. import attendee_csv, events, pair_rules
from ..accounts import authenticate_organiser, end_organiser_sessions
from ..extensions import db, limiter
from ..forms import ConfirmForm
from ..i18n import _
from ..models import Attendee, Event
from ..security import (
    current_organiser,
    login_required,
    own_event_view,
    start_organiser_session,
)
from . import bp
from .forms import EventForm, ImportForm, LoginForm, SearchForm

REGISTRATIONS_PER_PAGE = 100  # a 30,000-person event renders one page at a time


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login.

    Browsers read a backslash as a slash, so "/\\evil.example" would leave the site too.
    """
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable()
            and not urlsplit(target).netloc and not urlsplit(target).scheme):
        return target
    return url_for("organiser.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, exempt_when=lambda: request.method != "POST")
def login():
    """Organiser login."""
    form = LoginForm()
    if form.validate_on_submit():
        organiser = authenticate_organiser(form.email.data, form.password.data)
        if organiser is not None:
            start_organiser_session(organiser)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        return render_template("organiser/login.html", form=form), 401
    return render_template("organiser/login.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/logout")
def logout():
    """Log out, on every device: no copy of an earlier session cookie works afterwards."""
    if ConfirmForm().validate_on_submit():
        organiser = current_organiser()
        if organiser is not None:
            end_organiser_sessions(organiser)
        session.clear()
        flash(_("You are logged out."), "info")
    return redirect(url_for("organiser.login"))


@bp.get("/")
@login_required
def dashboard():
    """The organiser's events."""
    return render_template("organiser/dashboard.html", events=current_organiser().events)


def _rounds_from(form: EventForm):
    if (form.custom_rounds.data or "").strip():
        return events.parse_round_lines(form.day.data, form.custom_rounds.data)
    return events.generate_rounds(form.day.data, form.first_start.data, form.round_length.data,
                                  form.break_length.data or 0, form.round_count.data)


def _save_event(form: EventForm, event=None):
    try:
        rounds = _rounds_from(form)
        data = form.settings_data() | {"topic_names": events.parse_topics(form.topics.data)}
        if event is None:
            return events.create_event(current_organiser(), data, rounds)
        events.update_event(event, data, rounds)
        return event
    except events.SetupError as error:
        getattr(form, error.field).errors.append(str(error))
        db.session.rollback()
        return None


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event():
    """Create an event."""
    form = EventForm()
    if form.validate_on_submit():
        event = _save_event(form)
        if event is not None:
            flash(_("Event created. Share the public link below with your attendees."), "success")
            return redirect(url_for("organiser.event", slug=event.slug))
    return render_template("organiser/event_form.html", form=form, event=None), 400 if form.is_submitted() else 200


def _event_form_data(event) -> dict:
    first = event.rounds[0] if event.rounds else None
    return {
        "name": event.name, "slug": event.slug, "description": event.description,
        "venue": event.venue, "contact_email": event.contact_email,
        "timezone": event.timezone, "language": event.language, "num_tables": event.num_tables,
        "table_names": event.table_names, "registration_open": event.registration_open,
        "block_same_organisation": event.block_same_organisation,
        "min_meetings": event.min_meetings,
        "mutuality": "" if event.mutuality is None else f"{event.mutuality:g}",
        "allow_trios": event.allow_trios,
        "compact": event.compact,
        "day": first.starts_at.date() if first else None,
        "first_start": None, "round_length": None, "break_length": None, "round_count": None,
        "custom_rounds": "\n".join(f"{r.starts_at:%H:%M} {r.duration_minutes}" for r in event.rounds),
        "topics": "\n".join(t.name for t in event.topics),
    }


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@own_event_view
def edit_event(event: Event):
    """Edit an event's settings, rounds and topics."""
    form = EventForm(data=None if request.method == "POST" else _event_form_data(event))
    if form.validate_on_submit():
        if _save_event(form, event) is not None:
            flash(_("Event saved."), "success")
            return redirect(url_for("organiser.event", slug=event.slug))
    return render_template("organiser/event_form.html", form=form, event=event), 400 if form.is_submitted() else 200


@bp.get("/events/<slug>")
@own_event_view
def event(event: Event):
    """Registrations: search, counts, topics nobody offers or needs."""
    search = SearchForm(request.args)
    searchable = search.validate()  # an over-long or garbled query shows its error, not a 500
    # Offers and needs in two queries per page, not two per person.
    query = (db.select(Attendee).filter_by(event_id=event.id)
             .options(selectinload(Attendee.offers), selectinload(Attendee.needs))
             .order_by(Attendee.name, Attendee.id))
    if searchable and search.q.data:
        like = f"%{search.q.data.strip()}%"
        query = query.where(or_(Attendee.name.ilike(like), Attendee.email.ilike(like),
                                Attendee.organisation.ilike(like)))
    if searchable and search.status.data:
        query = query.filter_by(status=search.status.data)
    page = db.paginate(query, page=min(max(1, request.args.get("page", 1, type=int) or 1), 10**6),
                       per_page=REGISTRATIONS_PER_PAGE, error_out=False, max_per_page=None)
    return render_template(
        "organiser/event.html", event=event, attendees=page.items, page=page, search=search,
        counts=events.registration_counts(event), confirm=ConfirmForm(),
        rule_counts=pair_rules.count_pair_rules(event),
        public_url=current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("attendee.event_page", slug=event.slug),
    )


@bp.post("/events/<slug>/registration")
@own_event_view
def toggle_registration(event: Event):
    """Open or close registration."""
    if ConfirmForm().validate_on_submit():
        events.set_registration_open(event, not event.registration_open)
        flash(_("Registration is now open.") if event.registration_open
              else _("Registration is now closed."), "info")
    return redirect(url_for("organiser.event", slug=event.slug))


@bp.route("/events/<slug>/import", methods=["GET", "POST"])
@own_event_view
def import_csv(event: Event):
    """Import attendees from CSV: all rows or none."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
            form.file.errors.append(_("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again."))
        if text is not None:
            report = attendee_csv.parse_attendee_csv(event, text)
            if not report.errors:
                attendee_csv.import_attendees(event, report)
                flash(_("Imported %(created)s new and updated %(updated)s attendees.",
                        created=report.created, updated=report.updated), "success")
                return redirect(url_for("organiser.event", slug=event.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("organiser/import.html", event=event, form=form, report=report,
                           columns=attendee_csv.COLUMNS), status


@bp.get("/events/<slug>/attendees.csv")
@own_event_view
def export_csv(event: Event):
    """Export attendees as CSV (safe to open in a spreadsheet)."""
    # Streamed in chunks: a large event never builds the whole file in memory.
    return Response(
        stream_with_context(attendee_csv.export_attendees_csv_chunks(event)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-attendees.csv"'},
    )
