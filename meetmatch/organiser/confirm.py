"""One confirmation page for every action that mails people, publishes, deletes, withdraws or
discards work: a GET shows what will happen, its button POSTs the action (no JavaScript)."""

from __future__ import annotations

from flask import render_template, request

from ..forms import ConfirmForm
from ..models import Attendee, Event


def confirm_page(event: Event, *, title: str, what: list[str], button: str | None, back: str,
                 hidden: dict[str, str] | None = None, people: list[Attendee] | None = None,
                 danger: bool = False, form=None, action: str | None = None):
    """The page: ``what`` says in sentences what pressing ``button`` does; ``people`` (if any)
    are listed by name; ``form`` (default an empty ConfirmForm) is posted to ``action``
    (default this same URL) with ``hidden`` fields; ``back`` is where "Cancel" goes. With
    ``button`` None the action cannot be done now (``what`` says why): no form, only a way back."""
    return render_template(
        "organiser/confirm.html", event=event, title=title, what=what, button=button, back=back,
        hidden=hidden or {}, people=people or [], danger=danger, form=form or ConfirmForm(),
        action=action or request.path)
