"""Forms of the schedule pages (CSRF on every POST)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..i18n import lazy_gettext as _l
from ..input_limits import MAX_ROUNDS, MAX_TABLES


class BuildForm(FlaskForm):
    time_limit = IntegerField(_l("Time limit (seconds)"), validators=[Optional(), NumberRange(1, 600)],
                              description=_l("How long the solver may search. Leave empty for the default."))
    submit = SubmitField(_l("Build schedule"))


class RebuildForm(FlaskForm):
    held_rounds = SelectField(_l("Rounds already held"), coerce=int,
                              description=_l("These rounds stay exactly as they were."))
    time_limit = IntegerField(_l("Time limit (seconds)"), validators=[Optional(), NumberRange(1, 600)])
    submit = SubmitField(_l("Rebuild remaining rounds"))


class MoveForm(FlaskForm):
    round_number = IntegerField(_l("Round"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ROUNDS)])
    table_number = IntegerField(_l("Table"), validators=[InputRequired(), NumberRange(min=1, max=MAX_TABLES)])
    submit = SubmitField(_l("Move"))


class AddMeetingForm(FlaskForm):
    attendee_a = SelectField(_l("First person"), coerce=int)
    attendee_b = SelectField(_l("Second person"), coerce=int)
    round_number = IntegerField(_l("Round"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ROUNDS)])
    table_number = IntegerField(_l("Table"), validators=[InputRequired(), NumberRange(min=1, max=MAX_TABLES)])
    submit = SubmitField(_l("Add meeting"))


class AddThirdForm(FlaskForm):
    """Seat somebody at a meeting as its third person (events that allow trios)."""

    attendee = SelectField(_l("Person"), coerce=int)
    round_number = IntegerField(_l("Round"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ROUNDS)])
    table_number = IntegerField(_l("Table"), validators=[InputRequired(), NumberRange(min=1, max=MAX_TABLES)])
    submit = SubmitField(_l("Add to the table"))


class TestCopyForm(FlaskForm):
    attendee = SelectField(_l("Whose schedule"), coerce=int)
    submit = SubmitField(_l("Send me a test copy"))
