"""Attendee forms; choices come from the event (topics, rounds)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..formatting import fmt_time
from ..forms import SafeForm, one_line, strip_text
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..models import Event, rounds_in_window


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: usable without JavaScript, with a keyboard and on a phone."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def optional_round(value) -> int | None:
    """A round number from a select ("" or None: no limit)."""
    if value in (None, ""):
        return None
    return int(value)


class ProfileForm(SafeForm):
    name = StringField(_l("Your name"), filters=[one_line],
                       validators=[DataRequired(_l("Please enter your name.")), Length(max=120)])
    organisation = StringField(
        _l("Organisation"), filters=[one_line], validators=[Optional(), Length(max=160)],
        description=_l("People from the same organisation are not matched with each other."),
    )
    title = StringField(_l("Title or role"), filters=[one_line], validators=[Optional(), Length(max=160)])
    offers = MultiCheckboxField(
        _l("What I can offer"), coerce=int,
        description=_l("Pick the topics where you can really help someone: your skills, "
                       "contacts, capital, experience."),
    )
    offers_text = TextAreaField(
        _l("What I can offer, in my own words"), validators=[Optional(), Length(max=1000)],
        description=_l("One sentence per thing you can give, in English or Swedish. Be concrete: "
                     "\"I can review a seed pitch deck\" helps more than \"finance\". We match "
                     "what you write by meaning, and quote it to the people you meet."),
    )
    needs = MultiCheckboxField(
        _l("What I need"), coerce=int,
        description=_l("Pick the topics where meeting the right person would move you forward."),
    )
    needs_text = TextAreaField(
        _l("What I need, in my own words"), validators=[Optional(), Length(max=1000)],
        description=_l("One sentence per need, e.g. \"a pilot customer in logistics\" or "
                     "\"vi behöver rekrytera två utvecklare\". Say the problem you have; the "
                     "person who can solve it may describe it in other words."),
    )
    rounds = MultiCheckboxField(
        _l("Rounds I can attend"), coerce=int,
        validators=[InputRequired(_l("Pick at least one round you can attend."))],
    )
    # Arrive late / leave early: narrow the ticked rounds to a window; with the event's compact
    # days setting the meetings inside it are planned side by side.
    first_round = SelectField(
        _l("I arrive for"), coerce=optional_round,
        description=_l("Arriving late or leaving early? Your meetings are planned between "
                       "these two rounds."),
    )
    last_round = SelectField(_l("I leave after"), coerce=optional_round)
    max_meetings = IntegerField(
        _l("Most meetings I want"), validators=[Optional(), NumberRange(min=1, max=50)],
        description=_l("Leave empty for as many as there are rounds."),
    )

    def set_event_choices(self, event: Event) -> None:
        topics = [(t.id, t.name) for t in event.topics]
        self.offers.choices = topics
        self.needs.choices = topics
        self.rounds.choices = [
            (r.number, _("Round %(number)s: %(start)s–%(end)s", number=r.number,
                          start=fmt_time(r.starts_at), end=fmt_time(r.ends_at)))
            for r in event.rounds
        ]
        if not self.rounds.data and not self.is_submitted():
            self.rounds.data = [r.number for r in event.rounds]
        named = [(str(r.number), _("Round %(number)s (%(start)s)", number=r.number,
                                    start=fmt_time(r.starts_at))) for r in event.rounds]
        self.first_round.choices = [("", _("The first round")), *named]
        self.last_round.choices = [("", _("The last round")), *named]

    about_them = False  # True on the organiser's pages: labels in the third person

    def speak_about_them(self) -> ProfileForm:
        """Labels and help about the attendee, for the organiser who edits or adds them (the
        attendee's own words -- "Your name", "What I can offer" -- read wrong there)."""
        self.about_them = True
        for name, (label, description) in _ABOUT_THEM.items():
            field = self[name]
            field.label.text = label
            if description is not None:
                field.description = description
        return self

    def validate_last_round(self, field) -> None:
        first, last = self.first_round.data, field.data
        if first is not None and last is not None and last < first:
            raise_validation(_("The round you leave after cannot come before the round you "
                               "arrive for."))
        if self.rounds.data and not rounds_in_window(self.rounds.data, first, last):
            raise_validation(_("None of the rounds you ticked is between the round you "
                               "arrive for and the round you leave after."))

    def validate_offers(self, field) -> None:  # noqa: ARG002
        if not self.offers.data and not (self.offers_text.data or "").strip():
            raise_validation(_("Tell us at least one thing you can offer: pick a topic or describe it."))

    def validate_needs(self, field) -> None:  # noqa: ARG002
        if not self.needs.data and not (self.needs_text.data or "").strip():
            raise_validation(_("Tell us at least one thing you need: pick a topic or describe it."))


# field: (label, help or None to keep it) on the organiser's pages
_ABOUT_THEM = {
    "name": (_l("Name"), None),
    "offers": (_l("Offers (topics)"), ""),
    "offers_text": (_l("Offers, in their own words"),
                    _l("One sentence per thing they can give; quoted to the people they meet.")),
    "needs": (_l("Needs (topics)"), ""),
    "needs_text": (_l("Needs, in their own words"), _l("One sentence per need.")),
    "rounds": (_l("Rounds they can attend"), None),
    "first_round": (_l("Arrives for"), _l("Arriving late or leaving early: their meetings are "
                                          "planned between these two rounds.")),
    "last_round": (_l("Leaves after"), None),
    "max_meetings": (_l("Most meetings they want"), _l("Empty: as many as there are rounds.")),
}


def raise_validation(message: str) -> None:
    from wtforms.validators import ValidationError

    raise ValidationError(message)


class RegistrationForm(ProfileForm):
    page_order = ("name", "email", "organisation", "title", "offers", "offers_text", "needs",
                  "needs_text", "rounds", "first_round", "last_round", "max_meetings", "consent",
                  "listed")
    email = EmailField(
        _l("Email"), filters=[strip_text],
        validators=[DataRequired(_l("Please enter your email address.")),
                    Email(_l("Please enter a valid email address, like name@example.com.")),
                    Length(max=254)],
        description=_l("We send your confirmation, a private link to change your registration, "
                       "and your schedule here."),
    )
    consent = BooleanField(
        _l("I agree that my name, organisation, offers and needs are used to plan meetings and "
           "are shown to the people I meet."),
        validators=[DataRequired(_l("Please accept the privacy notice to register."))],
    )
    listed = BooleanField(
        _l("List me for the other attendees, so they can find me and ask to meet me"),
        description=_l("Optional. Other attendees then see your name, organisation, title, what "
                       "you offer and need (never your email), and may get you as a suggestion. "
                       "You can change this at any time with your private link."),
    )
    submit = SubmitField(_l("Register"))


class EditForm(ProfileForm):
    listed = RegistrationForm.listed
    submit = SubmitField(_l("Save changes"))


class WishForm(SafeForm):
    """One wish button: its value says which ("meet", "avoid" or "none" to remove)."""

    kind = HiddenField(validators=[AnyOf(["meet", "avoid", "none"])])


class ResendForm(SafeForm):
    email = EmailField(
        _l("Email"), filters=[strip_text],
        validators=[DataRequired(_l("Please enter your email address.")),
                    Email(_l("Please enter a valid email address.")), Length(max=254)],
    )
    submit = SubmitField(_l("Send me my link"))


class AddAttendeeForm(ProfileForm):
    """The organiser adds someone: a walk-in on the day, or a registration taken by phone."""

    email = EmailField(
        _l("Email"), filters=[strip_text],
        validators=[DataRequired(_l("Please enter their email address.")),
                    Email(_l("Please enter a valid email address, like name@example.com.")),
                    Length(max=254)],
        description=_l("Their schedule and updates are sent here."),
    )
    walk_in = BooleanField(
        _l("Walk-in: arrived on the day"), default=True,
        description=_l("Walk-ins are matched when you rebuild the remaining rounds."),
    )
    submit = SubmitField(_l("Add attendee"))
