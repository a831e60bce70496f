"""Organiser forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..events import SLUG_PATTERN
from ..forms import SafeForm, SelectChoice, one_line, strip_text
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, timezone_choices
from ..i18n import lazy_gettext as _l
from ..models import PairRuleKind


class LoginForm(SafeForm):
    email = EmailField("Email", filters=[strip_text], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Log in")


class EventForm(SafeForm):
    name = StringField("Event name", filters=[one_line], validators=[DataRequired("Give the event a name."), Length(max=160)])
    slug = StringField(
        "Public address", validators=[
            DataRequired("Pick the address attendees will use."), Length(max=64),
            Regexp(SLUG_PATTERN, message="Use lower-case letters, digits and dashes, like "
                   "\"startup-night-2026\".")],
        description="Attendees register at /e/<this address>.",
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)],
                                description="Shown on the public event page. Blank lines start a new paragraph.")
    venue = StringField("Venue", filters=[one_line], validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        "Contact email", filters=[one_line],
        validators=[Optional(), Email("Enter an email address like events@example.org."), Length(max=254)],
        description="Shown on the event page; attendees' replies to the event's mail go here.")
    # InputRequired, not DataRequired: an unparsable date keeps its "Not a valid date" message.
    day = DateField("Date", validators=[InputRequired("Pick the date of the event.")])
    # Picked from the IANA list (not typed): every time on every page is in this zone.
    timezone = SelectField(_l("Time zone"), default="Europe/Stockholm",
                           choices=lambda: [SelectChoice(v, label) for v, label in timezone_choices()],
                           validators=[DataRequired(_l("Pick the event's time zone."))],
                           description=_l("All times of the event are in this zone, on every page, "
                                          "printout, mail and calendar."))
    language = SelectField(
        _l("Language"), default=DEFAULT_LANGUAGE,
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        description=_l("Of the public event page and of the mail to attendees. Each attendee "
                       "can switch language on the event's pages; their mail then follows them."))
    first_start = TimeField("First round starts at", validators=[Optional()])
    round_length = IntegerField("Round length (minutes)", default=15,
                                validators=[Optional(), NumberRange(min=1, max=600)])
    break_length = IntegerField("Break between rounds (minutes)", default=5,
                                validators=[Optional(), NumberRange(min=0, max=600)])
    round_count = IntegerField("Number of rounds", default=6,
                               validators=[Optional(), NumberRange(min=1, max=50)])
    custom_rounds = TextAreaField(
        "Or list the rounds yourself", validators=[Optional(), Length(max=3000)],
        description="One round per line: start time and length in minutes, e.g. \"13:00 15\". "
        "When filled in, this replaces the four fields above.",
    )
    num_tables = IntegerField("Number of tables", validators=[Optional(), NumberRange(min=1, max=5000)],
                              description="Leave empty for enough tables for everyone.")
    table_names = TextAreaField("Table names (optional)", validators=[Optional(), Length(max=10000)],
                                description="One per line, in table order, e.g. \"Booth A\".")
    topics = TextAreaField(
        "Topics", validators=[DataRequired("List the topics attendees choose their offers and needs from."),
                              Length(max=20000)],
        description="One per line. Attendees pick from these for both what they offer and what they need.",
    )
    registration_open = BooleanField("Registration is open", default=True)
    block_same_organisation = BooleanField("Never match people from the same organisation", default=True)
    min_meetings = IntegerField(
        "Minimum meetings per attendee", validators=[Optional(), NumberRange(min=0, max=50)],
        description="The solver first makes sure as few people as possible get fewer meetings than this. "
        "Empty: 3 (or the number of rounds if smaller). 0 turns the rule off.",
    )
    mutuality = SelectField(
        "How strongly to prefer mutual benefit", coerce=str,
        # The engine's scale is 0..1 (meetmatch.matching.Settings.mutuality; default 0.9).
        choices=[SelectChoice("", "Default: strongly (0.9)"),
                 SelectChoice("0", "Not at all: total benefit only"),
                 SelectChoice("0.5", "Somewhat"), SelectChoice("0.9", "Strongly"),
                 SelectChoice("1", "Only mutual: one-sided meetings are never planned")],
        description="A meeting where both sides gain is worth more than a one-sided one with the "
        "same total. At the default a large one-sided benefit never wins a meeting over "
        "mutual ones.",
    )
    submit = SubmitField("Save event")

    def validate_round_count(self, field) -> None:  # noqa: ARG002
        if not (self.custom_rounds.data or "").strip():
            missing = [f.label.text for f in (self.first_start, self.round_length, self.round_count)
                       if f.data is None]
            if missing:
                raise ValidationError("Fill in " + ", ".join(missing) + " or list the rounds yourself.")

    def settings_data(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "slug": self.slug.data.strip(),
            "description": (self.description.data or "").strip(),
            "venue": (self.venue.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip().lower(),
            "timezone": self.timezone.data,
            "language": self.language.data,
            "num_tables": self.num_tables.data,
            "table_names": (self.table_names.data or "").strip(),
            "registration_open": bool(self.registration_open.data),
            "block_same_organisation": bool(self.block_same_organisation.data),
            "min_meetings": self.min_meetings.data,
            "mutuality": float(self.mutuality.data) if self.mutuality.data not in (None, "") else None,
        }


class SearchForm(SafeForm):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", choices=[SelectChoice("", "All"),
                                            SelectChoice("registered", "Registered"),
                                            SelectChoice("withdrawn", "Withdrawn"),
                                            SelectChoice("no_show", "No-show")],
                         validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[
        FileRequired("Choose a CSV file to import."),
        FileAllowed(["csv", "txt"], "Upload a .csv file (comma- or semicolon-separated, UTF-8)."),
    ])
    submit = SubmitField("Import attendees")


class PairRuleForm(SafeForm):
    """A meeting rule from one attendee's page; use with ``prefix="rule"`` beside the edit form."""

    other = SelectField(
        "Other attendee", coerce=int, validate_choice=False,
        validators=[InputRequired("Pick the other attendee.")],
        description="Registered attendees of this event, by name.",
    )
    kind = SelectField(
        "Rule", choices=[SelectChoice(PairRuleKind.MUST_MEET.value, "Must meet"),
                         SelectChoice(PairRuleKind.MUST_NOT_MEET.value, "Must not meet")],
        description="Must meet: the schedule gives them a meeting whenever rounds, tables and "
        "their interests allow it (a pair with nothing to offer each other is never planned). "
        "Must not meet: they are never scheduled together. A pair has one rule; adding another "
        "replaces it.",
    )
    submit = SubmitField("Add rule")

    def set_choices(self, attendee, candidates) -> None:
        """Offer ``candidates`` (active attendees of the event, by name) except ``attendee``."""
        self._self_id = attendee.id
        self.other.choices = [SelectChoice(str(a.id), a.name + (f" ({a.organisation})" if a.organisation else ""))
                              for a in candidates if a.id != attendee.id]
        self._allowed = {a.id for a in candidates if a.id != attendee.id}

    def validate_other(self, field) -> None:
        if field.data == self._self_id:
            raise ValidationError("A person cannot have a rule with themselves.")
        if field.data not in self._allowed:
            raise ValidationError("Pick a registered attendee of this event.")

    @property
    def rule_kind(self) -> PairRuleKind:
        return PairRuleKind(self.kind.data)


class PrivacySettingsForm(SafeForm):
    notice = TextAreaField(
        "Privacy notice", validators=[Optional(), Length(max=20000)],
        description="What you store about attendees, why, who sees it and for how long. Linked from "
        "the event page and the registration form. Leave empty for the default text (shown "
        "below). Every change gets a new version; each attendee's consent records the version "
        "they saw.")
    retention_days = IntegerField(
        "Keep personal data for (days after the event)", validators=[
            Optional(), NumberRange(min=1, max=3650, message="Enter a number of days from 1 to 3650.")],
        description="Then names, emails, profiles, meetings and mail are erased; only totals stay. "
        "Empty: the site's default.")
    submit = SubmitField("Save privacy settings")


class DeleteEventForm(SafeForm):
    confirm_slug = StringField("Type the event's address to confirm", filters=[strip_text],
                               validators=[DataRequired("Type the event's address."),
                                           Length(max=64)])
    submit = SubmitField("Delete this event and all its data")


__all__ = ["LoginForm", "EventForm", "SearchForm", "ImportForm", "PairRuleForm",
           "PrivacySettingsForm", "DeleteEventForm"]
