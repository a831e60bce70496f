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
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, _, is_timezone, timezone_choices
from ..i18n import lazy_gettext as _l
from ..input_limits import FIRST_EVENT_DAY, LAST_EVENT_DAY
from ..models import PairRuleKind


class LoginForm(SafeForm):
    email = EmailField(_l("Email"), filters=[strip_text], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class EventForm(SafeForm):
    name = StringField(_l("Event name"), filters=[one_line], validators=[DataRequired(_l("Give the event a name.")), Length(max=160)])
    slug = StringField(
        _l("Public address"), validators=[
            DataRequired(_l("Pick the address attendees will use.")), Length(max=64),
            Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and dashes, like "
                      "\"startup-night-2026\"."))],
        description=_l("Attendees register at /e/<this address>."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                description=_l("Shown on the public event page. Blank lines start a new paragraph."))
    venue = StringField(_l("Venue"), filters=[one_line], validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        _l("Contact email"), filters=[one_line],
        validators=[Optional(), Email(_l("Enter an email address like events@example.org.")), Length(max=254)],
        description=_l("Shown on the event page; attendees' replies to the event's mail go here."))
    # InputRequired, not DataRequired: an unparsable date keeps its "Not a valid date" message.
    day = DateField(_l("Date"), validators=[InputRequired(_l("Pick the date of the event."))])
    # Picked from the IANA list (not typed): every time on every page is in this zone.
    timezone = SelectField(_l("Time zone"), default="Europe/Stockholm",
                           choices=lambda: [SelectChoice(v, label) for v, label in timezone_choices()],
                           validate_choice=False,  # validate_timezone says what is wrong
                           validators=[DataRequired(_l("Pick the event's time zone."))],
                           description=_l("All times of the event are in this zone, on every page, "
                                          "printout, mail and calendar."))
    language = SelectField(
        _l("Language"), default=DEFAULT_LANGUAGE,
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        description=_l("Of the public event page and of the mail to attendees. Each attendee "
                       "can switch language on the event's pages; their mail then follows them."))
    first_start = TimeField(_l("First round starts at"), validators=[Optional()])
    round_length = IntegerField(_l("Round length (minutes)"), default=15,
                                validators=[Optional(), NumberRange(min=1, max=600)])
    break_length = IntegerField(_l("Break between rounds (minutes)"), default=5,
                                validators=[Optional(), NumberRange(min=0, max=600)])
    round_count = IntegerField(_l("Number of rounds"), default=6,
                               validators=[Optional(), NumberRange(min=1, max=50)])
    custom_rounds = TextAreaField(
        _l("Or list the rounds yourself"), validators=[Optional(), Length(max=3000)],
        description=_l("One round per line: start time and length in minutes, e.g. \"13:00 15\". "
           "When filled in, this replaces the four fields above."),
    )
    num_tables = IntegerField(_l("Number of tables"), validators=[Optional(), NumberRange(min=1, max=5000)],
                              description=_l("Leave empty for enough tables for everyone."))
    table_names = TextAreaField(_l("Table names (optional)"), validators=[Optional(), Length(max=10000)],
                                description=_l("One per line, in table order, e.g. \"Booth A\"."))
    topics = TextAreaField(
        _l("Topics"), validators=[DataRequired(_l("List the topics attendees choose their offers and needs from.")),
                              Length(max=20000)],
        description=_l("One per line. Attendees pick from these for both what they offer and what they need."),
    )
    registration_open = BooleanField(_l("Registration is open"), default=True)
    block_same_organisation = BooleanField(_l("Never match people from the same organisation"), default=True)
    min_meetings = IntegerField(
        _l("Minimum meetings per attendee"), validators=[Optional(), NumberRange(min=0, max=50)],
        description=_l("The solver first makes sure as few people as possible get fewer meetings than this. "
           "Empty: 3 (or the number of rounds if smaller). 0 turns the rule off."),
    )
    mutuality = SelectField(
        _l("How strongly to prefer mutual benefit"), coerce=str,
        # The engine's scale is 0..1 (meetmatch.matching.Settings.mutuality; default 0.9).
        choices=[SelectChoice("", _l("Default: strongly (0.9)")),
                 SelectChoice("0", _l("Not at all: total benefit only")),
                 SelectChoice("0.5", _l("Somewhat")), SelectChoice("0.9", _l("Strongly")),
                 SelectChoice("1", _l("Only mutual: one-sided meetings are never planned"))],
        description=_l("A meeting where both sides gain is worth more than a one-sided one with the "
           "same total. At the default a large one-sided benefit never wins a meeting over "
           "mutual ones."),
    )
    allow_trios = BooleanField(
        _l("Trios instead of sitting out"), default=False,
        description=_l("Someone who would sit out a round may join a table as a third person, "
                       "when all three have something to offer each other."))
    compact = BooleanField(
        _l("Compact days"), default=False,
        description=_l("Among equally good schedules, take the one where people wait the fewest "
                       "rounds between their first and last meeting."))
    submit = SubmitField(_l("Save event"))

    def validate_timezone(self, field) -> None:
        if not is_timezone(field.data or ""):
            raise ValidationError(_l("Unknown time zone. Pick the zone of the venue from the list."))

    def validate_day(self, field) -> None:
        # Rounds are dates plus minutes: near year 9999 that arithmetic overflows.
        if field.data and not FIRST_EVENT_DAY <= field.data <= LAST_EVENT_DAY:
            raise ValidationError(_("Pick a date between %(first)s and %(last)s.",
                                    first=FIRST_EVENT_DAY.isoformat(), last=LAST_EVENT_DAY.isoformat()))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.custom_rounds.data or "").strip():
            # Each missing field says so itself (the error used to sit on "Number of rounds"
            # and name the start time).
            for f in (self.first_start, self.round_length, self.round_count):
                if f.data is None and not f.errors:
                    f.errors.append(_("Fill this in, or list the rounds yourself below."))
                    ok = False
        return ok

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
            "allow_trios": bool(self.allow_trios.data),
            "compact": bool(self.compact.data),
        }


class SearchForm(SafeForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("All")),
                                            SelectChoice("registered", _l("Registered")),
                                            SelectChoice("withdrawn", _l("Withdrawn")),
                                            SelectChoice("no_show", _l("No-show"))],
                         validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a CSV file to import.")),
        FileAllowed(["csv", "txt"], _l("Upload a .csv file (comma- or semicolon-separated, UTF-8).")),
    ])
    submit = SubmitField(_l("Import attendees"))


class PairRuleForm(SafeForm):
    """A meeting rule from one attendee's page; use with ``prefix="rule"`` beside the edit form."""

    other = SelectField(
        _l("Other attendee"), coerce=int, validate_choice=False,
        validators=[InputRequired(_l("Pick the other attendee."))],
        description=_l("Registered attendees of this event, by name."),
    )
    kind = SelectField(
        _l("Rule"), choices=[SelectChoice(PairRuleKind.MUST_MEET.value, _l("Must meet")),
                         SelectChoice(PairRuleKind.MUST_NOT_MEET.value, _l("Must not meet"))],
        description=_l("Must meet: the schedule gives them a meeting whenever rounds, tables and "
           "their interests allow it (a pair with nothing to offer each other is never planned). "
           "Must not meet: they are never scheduled together. A pair has one rule; adding another "
           "replaces it."),
    )
    submit = SubmitField(_l("Add rule"))

    def set_choices(self, attendee, candidates) -> None:
        """Offer ``candidates`` (active attendees of the event, by name) except ``attendee``."""
        self._self_id = attendee.id
        self.other.choices = [SelectChoice(str(a.id), a.name + (f" ({a.organisation})" if a.organisation else ""))
                              for a in candidates if a.id != attendee.id]
        self._allowed = {a.id for a in candidates if a.id != attendee.id}

    def validate_other(self, field) -> None:
        if field.data == self._self_id:
            raise ValidationError(_l("A person cannot have a rule with themselves."))
        if field.data not in self._allowed:
            raise ValidationError(_l("Pick a registered attendee of this event."))

    @property
    def rule_kind(self) -> PairRuleKind:
        return PairRuleKind(self.kind.data)


class PrivacySettingsForm(SafeForm):
    notice = TextAreaField(
        _l("Privacy notice"), validators=[Optional(), Length(max=20000)],
        description=_l("What you store about attendees, why, who sees it and for how long. Linked from "
           "the event page and the registration form. Leave empty for the default text (shown "
           "below). Every change gets a new version; each attendee's consent records the version "
           "they saw."))
    retention_days = IntegerField(
        _l("Keep personal data for (days after the event)"), validators=[
            Optional(), NumberRange(min=1, max=3650, message=_l("Enter a number of days from 1 to 3650."))],
        description=_l("Then names, emails, profiles, meetings and mail are erased; only totals stay. "
           "Empty: the site's default."))
    submit = SubmitField(_l("Save privacy settings"))


class DeleteEventForm(SafeForm):
    confirm_slug = StringField(_l("Type the event's address to confirm"), filters=[strip_text],
                               validators=[DataRequired(_l("Type the event's address.")),
                                           Length(max=64)])
    submit = SubmitField(_l("Delete this event and all its data"))


__all__ = ["LoginForm", "EventForm", "SearchForm", "ImportForm", "PairRuleForm",
           "PrivacySettingsForm", "DeleteEventForm"]
