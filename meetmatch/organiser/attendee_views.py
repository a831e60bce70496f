"""Organiser views of one attendee: their page and profile, meeting rules, status, and adding
someone by hand (a walk-in)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from .. import pair_rules, registration
from ..attendee.forms import AddAttendeeForm, EditForm
from ..forms import ConfirmForm
from ..i18n import _, lazy_gettext, status_label
from ..models import Event, PairRuleKind
from ..security import event_attendee_or_404, own_event_view
from . import bp
from .confirm import confirm_page
from .forms import PairRuleForm


def _rule_form(event, person, *, submitted: bool = True) -> PairRuleForm:
    # formdata=None: a page re-shown after another form's POST starts this form empty.
    form = PairRuleForm(prefix="rule") if submitted else PairRuleForm(prefix="rule", formdata=None)
    form.set_choices(person, registration.active_attendees_by_name(event))
    return form


def _attendee_page(event, person, form=None, rule_form=None, status: int = 200):
    if form is None:
        form = EditForm(formdata=None, data=registration.profile_data(person)).speak_about_them()
        form.set_event_choices(event)
    return render_template(
        "organiser/attendee.html", event=event, attendee=person, form=form,
        rule_form=rule_form or _rule_form(event, person, submitted=False), rules=pair_rules.pair_rules_for(person),
        confirm=ConfirmForm()), status


@bp.route("/events/<slug>/attendees/<int:attendee_id>", methods=["GET", "POST"])
@own_event_view
def attendee(event: Event, attendee_id: int):
    """View and edit one attendee and their meeting rules."""
    person = event_attendee_or_404(event, attendee_id)
    form = EditForm(data=None if request.method == "POST" else registration.profile_data(person))
    form.speak_about_them().set_event_choices(event)
    if form.validate_on_submit():
        registration.update_attendee(person, form.data)
        flash(_("Saved %(name)s.", name=person.name), "success")
        return redirect(url_for("organiser.attendee", slug=event.slug, attendee_id=attendee_id))
    return _attendee_page(event, person, form=form, status=400 if form.is_submitted() else 200)


@bp.post("/events/<slug>/attendees/<int:attendee_id>/rules")
@own_event_view
def add_pair_rule(event: Event, attendee_id: int):
    """Add a must-meet or must-not-meet rule (replacing the pair's rule if it has one)."""
    person = event_attendee_or_404(event, attendee_id)
    form = _rule_form(event, person)
    if form.validate_on_submit():
        other = event_attendee_or_404(event, form.other.data)
        try:
            pair_rules.add_pair_rule(event, person, other, form.rule_kind)
        except pair_rules.PairRuleError as error:
            form.other.errors.append(str(error))
        else:
            flash(str(RULE_NOW[form.rule_kind]) % {"a": person.name, "b": other.name} + " "
                  + _("This applies at the next build or rebuild of the schedule."), "success")
            return redirect(url_for("organiser.attendee", slug=event.slug, attendee_id=attendee_id))
    return _attendee_page(event, person, rule_form=form, status=400)


RULE_NOW = {
    PairRuleKind.MUST_MEET: lazy_gettext("Now: %(a)s and %(b)s must meet."),
    PairRuleKind.MUST_NOT_MEET: lazy_gettext("Now: %(a)s and %(b)s must not meet."),
    PairRuleKind.CANCELLED: lazy_gettext("Now: %(a)s and %(b)s are not paired again (their meeting "
                                         "was cancelled by hand)."),
}


@bp.route("/events/<slug>/attendees/<int:attendee_id>/rules/remove", methods=["GET", "POST"])
@own_event_view
def remove_pair_rule(event: Event, attendee_id: int):
    """Remove a meeting rule (its id in the form, beside the CSRF token), after a confirmation."""
    person = event_attendee_or_404(event, attendee_id)
    rule_id = request.values.get("rule", "")
    rule = pair_rules.pair_rule_of(event, int(rule_id)) if rule_id.isdecimal() else None
    if rule is None or person.id not in (rule.attendee_a_id, rule.attendee_b_id):
        abort(404)
    if request.method == "GET":
        other = event_attendee_or_404(
            event, rule.attendee_b_id if rule.attendee_a_id == person.id else rule.attendee_a_id)
        return confirm_page(
            event, title=_("Remove the rule between %(a)s and %(b)s?", a=person.name, b=other.name),
            what=[str(RULE_NOW[rule.kind]) % {"a": person.name, "b": other.name},
                  _("After removing it, the next build or rebuild may pair them like anyone else.")],
            hidden={"rule": str(rule.id)}, button=_("Remove the rule"),
            back=url_for("organiser.attendee", slug=event.slug, attendee_id=attendee_id))
    if ConfirmForm().validate_on_submit():
        pair_rules.remove_pair_rule(rule)
        flash(_("Rule removed. This applies at the next build or rebuild of the schedule."), "info")
    return redirect(url_for("organiser.attendee", slug=event.slug, attendee_id=attendee_id))


@bp.route("/events/<slug>/attendees/new", methods=["GET", "POST"])
@own_event_view
def add_attendee(event: Event):
    """Add an attendee by hand (a walk-in on the day)."""
    form = AddAttendeeForm().speak_about_them()
    form.set_event_choices(event)
    if form.validate_on_submit():
        try:
            person = registration.add_attendee(event, form.data, walk_in=bool(form.walk_in.data))
        except registration.AlreadyRegistered as error:
            form.email.errors.append(_("This email is already registered for the event."))
            existing = error.attendee
        else:
            flash(_("Added %(name)s. Rebuild the remaining rounds to match them.", name=person.name)
                  if person.walk_in else _("Added %(name)s.", name=person.name), "success")
            return redirect(url_for("organiser.attendee", slug=event.slug, attendee_id=person.id))
    else:
        existing = None
    return render_template("organiser/add_attendee.html", event=event, form=form,
                           existing=existing), 400 if form.is_submitted() else 200


STATUS_CHANGES = {  # status -> (page title, what happens, button)
    "withdrawn": (lazy_gettext("Withdraw %(name)s?"),
                  lazy_gettext("%(name)s will be withdrawn: left out of the next build or rebuild, "
                               "so their partners in the rounds to come get someone else. Nobody "
                               "is emailed now."),
                  lazy_gettext("Withdraw")),
    "no_show": (lazy_gettext("Mark %(name)s as a no-show?"),
                lazy_gettext("%(name)s will be marked as a no-show: left out of the next build or "
                             "rebuild, so their partners in the rounds to come get someone else. "
                             "Nobody is emailed now."),
                lazy_gettext("Mark as no-show")),
}


@bp.route("/events/<slug>/attendees/<int:attendee_id>/status", methods=["GET", "POST"])
@own_event_view
def attendee_status(event: Event, attendee_id: int):
    """Withdraw or mark as no-show (after a confirmation page), or reactivate (undo) an attendee."""
    person = event_attendee_or_404(event, attendee_id)
    new_status = request.values.get("status", "")
    if request.method == "GET":
        if new_status not in STATUS_CHANGES:
            abort(404)
        title, what, button = STATUS_CHANGES[new_status]
        return confirm_page(
            event, title=str(title) % {"name": person.name}, danger=True,
            hidden={"status": new_status},
            what=[str(what) % {"name": person.name},
                  _("You can undo this on their page: “Undo: register again”.")],
            button=str(button),
            back=url_for("organiser.attendee", slug=event.slug, attendee_id=attendee_id))
    if ConfirmForm().validate_on_submit() and new_status in ("registered", "withdrawn", "no_show"):
        undo = new_status == "registered" and not person.is_active
        registration.set_status(person, new_status)
        flash(_("%(name)s is registered again.", name=person.name) if undo else
              _("%(name)s is now %(status)s. Changed your mind? Press “Undo” below.",
                name=person.name, status=status_label(new_status)), "info")
    return redirect(url_for("organiser.attendee", slug=event.slug, attendee_id=attendee_id))
