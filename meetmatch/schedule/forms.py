"""Forms of the schedule pages (CSRF on every POST)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional


class BuildForm(FlaskForm):
    time_limit = IntegerField("Time limit (seconds)", validators=[Optional(), NumberRange(1, 600)],
                              description="How long the solver may search. Leave empty for the default.")
    submit = SubmitField("Build schedule")


class RebuildForm(FlaskForm):
    held_rounds = SelectField("Rounds already held", coerce=int,
                              description="These rounds stay exactly as they were.")
    time_limit = IntegerField("Time limit (seconds)", validators=[Optional(), NumberRange(1, 600)])
    submit = SubmitField("Rebuild remaining rounds")


class MoveForm(FlaskForm):
    round_number = IntegerField("Round", validators=[InputRequired(), NumberRange(min=1)])
    table_number = IntegerField("Table", validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField("Move")


class AddMeetingForm(FlaskForm):
    attendee_a = SelectField("First person", coerce=int)
    attendee_b = SelectField("Second person", coerce=int)
    round_number = IntegerField("Round", validators=[InputRequired(), NumberRange(min=1)])
    table_number = IntegerField("Table", validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField("Add meeting")


class TestCopyForm(FlaskForm):
    attendee = SelectField("Whose schedule", coerce=int)
    submit = SubmitField("Send me a test copy")
