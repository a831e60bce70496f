"""Forms of check-in, the feedback request and the report's settings."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import SafeForm, SelectChoice
from ..i18n import lazy_gettext as _l


class ScanForm(SafeForm):
    """A scanned QR code (a hand scanner types it into the field) or a pasted private link."""

    scan = StringField(_l("Scan a QR code or paste a private link"),
                       validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Check in"))


class FeedbackSettingsForm(SafeForm):
    feedback_after_hours = IntegerField(
        _l("Send the feedback request automatically this many hours after the last round ends"),
        validators=[Optional(), NumberRange(min=0, max=24 * 14)],
        description=_l("Leave empty to send it only with the button."))
    history_rule = SelectField(
        _l("Memory across your events"),
        choices=[SelectChoice("off", _l("Off: pair anyone")),
                 SelectChoice("on", _l("Don't pair people who already met at my earlier events")),
                 SelectChoice("not_useful", _l("Don't pair them only when one said the meeting "
                                               "gave them nothing"))],
        description=_l("A person is the same person in another event when the email matches. "
                       "Applies at the next build or rebuild of the schedule."))
    submit = SubmitField(_l("Save settings"))
