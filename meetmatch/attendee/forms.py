"""Attendee forms; choices come from the event (topics, rounds)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..formatting import fmt_time
from ..forms import SafeForm, one_line, strip_text
from ..models import Event


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: usable without JavaScript, with a keyboard and on a phone."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProfileForm(SafeForm):
    name = StringField("Your name", filters=[one_line],
                       validators=[DataRequired("Please enter your name."), Length(max=120)])
    organisation = StringField(
        "Organisation", filters=[one_line], validators=[Optional(), Length(max=160)],
        description="People from the same organisation are not matched with each other.",
    )
    title = StringField("Title or role", filters=[one_line], validators=[Optional(), Length(max=160)])
    offers = MultiCheckboxField(
        "What I can offer", coerce=int,
        description="Pick the topics where you can really help someone: your skills, "
        "contacts, capital, experience.",
    )
    offers_text = TextAreaField(
        "What I can offer, in my own words", validators=[Optional(), Length(max=1000)],
        description=("One sentence per thing you can give, in English or Swedish. Be concrete: "
                     "\"I can review a seed pitch deck\" helps more than \"finance\". We match "
                     "what you write by meaning, and quote it to the people you meet."),
    )
    needs = MultiCheckboxField(
        "What I need", coerce=int,
        description="Pick the topics where meeting the right person would move you forward.",
    )
    needs_text = TextAreaField(
        "What I need, in my own words", validators=[Optional(), Length(max=1000)],
        description=("One sentence per need, e.g. \"a pilot customer in logistics\" or "
                     "\"vi behöver rekrytera två utvecklare\". Say the problem you have; the "
                     "person who can solve it may describe it in other words."),
    )
    rounds = MultiCheckboxField(
        "Rounds I can attend", coerce=int,
        validators=[InputRequired("Pick at least one round you can attend.")],
    )
    max_meetings = IntegerField(
        "Most meetings I want", validators=[Optional(), NumberRange(min=1, max=50)],
        description="Leave empty for as many as there are rounds.",
    )

    def set_event_choices(self, event: Event) -> None:
        topics = [(t.id, t.name) for t in event.topics]
        self.offers.choices = topics
        self.needs.choices = topics
        self.rounds.choices = [
            (r.number, f"Round {r.number}: {fmt_time(r.starts_at)}–{fmt_time(r.ends_at)}")
            for r in event.rounds
        ]
        if not self.rounds.data and not self.is_submitted():
            self.rounds.data = [r.number for r in event.rounds]

    def validate_offers(self, field) -> None:  # noqa: ARG002
        if not self.offers.data and not (self.offers_text.data or "").strip():
            raise_validation("Tell us at least one thing you can offer: pick a topic or describe it.")

    def validate_needs(self, field) -> None:  # noqa: ARG002
        if not self.needs.data and not (self.needs_text.data or "").strip():
            raise_validation("Tell us at least one thing you need: pick a topic or describe it.")


def raise_validation(message: str) -> None:
    from wtforms.validators import ValidationError

    raise ValidationError(message)


class RegistrationForm(ProfileForm):
    email = EmailField(
        "Email", filters=[strip_text],
        validators=[DataRequired("Please enter your email address."),
                    Email("Please enter a valid email address, like name@example.com."),
                             Length(max=254)],
        description="We send your confirmation, a private link to change your registration, "
        "and your schedule here.",
    )
    consent = BooleanField(
        "I agree that my name, organisation, offers and needs are used to plan meetings and "
        "are shown to the people I meet.",
        validators=[DataRequired("Please accept the privacy notice to register.")],
    )
    submit = SubmitField("Register")


class EditForm(ProfileForm):
    submit = SubmitField("Save changes")


class ResendForm(SafeForm):
    email = EmailField(
        "Email", filters=[strip_text],
        validators=[DataRequired("Please enter your email address."),
                    Email("Please enter a valid email address."), Length(max=254)],
    )
    submit = SubmitField("Send me my link")


class AddAttendeeForm(ProfileForm):
    """The organiser adds someone: a walk-in on the day, or a registration taken by phone."""

    email = EmailField(
        "Email", filters=[strip_text],
        validators=[DataRequired("Please enter their email address."),
                    Email("Please enter a valid email address, like name@example.com."),
                    Length(max=254)],
        description="Their schedule and updates are sent here.",
    )
    walk_in = BooleanField(
        "Walk-in: arrived on the day", default=True,
        description="Walk-ins are matched when you rebuild the remaining rounds.",
    )
    submit = SubmitField("Add attendee")
