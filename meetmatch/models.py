"""ORM classes: columns, relationships and small properties. Business rules live in services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .i18n import gettext
from .matching.rules import people_at


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Organiser(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True)
    name: Mapped[str] = mapped_column(db.String(120), default="")
    password_hash: Mapped[str] = mapped_column(db.String(255))
    # Copied into each login's session; raised by logout and a new password, which ends every
    # session that carries an older number (the cookies themselves cannot be taken back).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    events: Mapped[list[Event]] = relationship(back_populates="organiser", order_by="Event.id")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(db.ForeignKey("organiser.id"), index=True)
    slug: Mapped[str] = mapped_column(db.String(64), unique=True)
    name: Mapped[str] = mapped_column(db.String(160))
    description: Mapped[str] = mapped_column(db.Text, default="")
    venue: Mapped[str] = mapped_column(db.String(200), default="")
    timezone: Mapped[str] = mapped_column(db.String(64), default="Europe/Stockholm")
    # The language of the public pages and of mail to attendees who chose none ("en" or "sv").
    language: Mapped[str] = mapped_column(db.String(8), default="en", server_default="en")
    # The organiser's contact for attendees: shown on the event page, Reply-To of every mail
    # ("" = none). A PNG logo (event_logo.py re-encodes every upload) for the public page,
    # print pages and mail; None: no logo.
    contact_email: Mapped[str] = mapped_column(db.String(254), default="", server_default="")
    logo_png: Mapped[bytes | None] = mapped_column(db.LargeBinary, default=None)
    num_tables: Mapped[int | None] = mapped_column(default=None)
    table_names: Mapped[str] = mapped_column(db.Text, default="")  # one per line, optional
    registration_open: Mapped[bool] = mapped_column(default=True)
    block_same_organisation: Mapped[bool] = mapped_column(default=True)
    min_meetings: Mapped[int | None] = mapped_column(default=None)  # None: min(3, rounds)
    mutuality: Mapped[float | None] = mapped_column(default=None)  # None: the engine's default
    # Somebody who would sit out a round may join a table as its third person (matching/trios.py).
    allow_trios: Mapped[bool] = mapped_column(default=False, server_default=db.false())
    # Compact days: among equally good schedules, the one with fewer idle rounds between a
    # person's first and last meeting (matching/compact.py).
    compact: Mapped[bool] = mapped_column(default=False, server_default=db.false())
    # Attendees' wishes ("I'd like to meet" / "I'd rather not", see wishes.py): open or closed,
    # an optional closing time (the event's local wall-clock time) and the "like to meet" limit.
    wishes_open: Mapped[bool] = mapped_column(default=False, server_default=db.false())
    wishes_close_at: Mapped[datetime | None] = mapped_column(default=None)
    wish_limit: Mapped[int] = mapped_column(default=5, server_default="5")
    # When the worker last stored the event's suggestions (UTC); None: never.
    suggestions_at: Mapped[datetime | None] = mapped_column(default=None)
    # Privacy (privacy.py, retention.py): the organiser's notice ("" = the default text) and its
    # version (0 = the default; raised by each change, every text kept in privacy_notice);
    # personal data is erased retention_days after the event (None: the instance's setting).
    privacy_notice: Mapped[str] = mapped_column(db.Text, default="", server_default="")
    privacy_notice_version: Mapped[int] = mapped_column(default=0, server_default="0")
    retention_days: Mapped[int | None] = mapped_column(default=None)
    retention_warned_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set once retention erased the attendees; only the aggregate figures stay (JSON).
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(default=None)
    retained_figures: Mapped[dict[str, Any] | None] = mapped_column(db.JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Feedback (feedback.py): mail the request this many hours after the last round ends (None:
    # only by the organiser's button); when the request went out (None: not yet).
    feedback_after_hours: Mapped[int | None] = mapped_column(default=None)
    feedback_requested_at: Mapped[datetime | None] = mapped_column(default=None)
    # Memory across the organiser's events (history.py): off | on | not_useful.
    history_rule: Mapped[str] = mapped_column(db.String(16), default="off", server_default="off")

    organiser: Mapped[Organiser] = relationship(back_populates="events")
    rounds: Mapped[list[Round]] = relationship(
        back_populates="event", order_by="Round.number", cascade="all, delete-orphan"
    )
    topics: Mapped[list[Topic]] = relationship(
        back_populates="event", order_by="Topic.position", cascade="all, delete-orphan"
    )
    attendees: Mapped[list[Attendee]] = relationship(
        back_populates="event", order_by="Attendee.id", cascade="all, delete-orphan"
    )

    @property
    def table_name_list(self) -> list[str]:
        return [line.strip() for line in (self.table_names or "").splitlines() if line.strip()]

    def table_label(self, number: int | None) -> str:
        if number is None:
            return ""
        names = self.table_name_list
        if 1 <= number <= len(names):
            return names[number - 1]
        return gettext("Table %(number)s", number=number)


class Round(db.Model):
    """A time slot; ``starts_at`` is local wall-clock time in the event's time zone."""

    __table_args__ = (UniqueConstraint("event_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int]

    event: Mapped[Event] = relationship(back_populates="rounds")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Topic(db.Model):
    __table_args__ = (UniqueConstraint("event_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(80))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="topics")


attendee_offer = db.Table(
    "attendee_offer",
    db.Column("attendee_id", db.ForeignKey("attendee.id", ondelete="CASCADE"), primary_key=True),
    db.Column("topic_id", db.ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)
attendee_need = db.Table(
    "attendee_need",
    db.Column("attendee_id", db.ForeignKey("attendee.id", ondelete="CASCADE"), primary_key=True),
    db.Column("topic_id", db.ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)

ATTENDEE_STATUSES = ("registered", "withdrawn", "no_show")


def rounds_in_window(rounds: list[int], first: int | None, last: int | None) -> list[int]:
    """The ``rounds`` inside an arrive-late / leave-early window (None: open on that side)."""
    lo, hi = first or 1, last or 10_000
    return [r for r in rounds if lo <= r <= hi]


class Attendee(db.Model):
    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        CheckConstraint("status IN ('registered', 'withdrawn', 'no_show')", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(120))
    email: Mapped[str] = mapped_column(db.String(254))  # stored lower-cased
    organisation: Mapped[str] = mapped_column(db.String(160), default="")
    title: Mapped[str] = mapped_column(db.String(160), default="")
    offers_text: Mapped[str] = mapped_column(db.Text, default="")
    needs_text: Mapped[str] = mapped_column(db.Text, default="")
    available_rounds: Mapped[str | None] = mapped_column(db.String(200), default=None)  # "1,2,5"; None: all
    # Arrive late / leave early: the first and last round they can be there (None: from the
    # start / to the end). They narrow the ticked rounds above; see rounds_list.
    first_round: Mapped[int | None] = mapped_column(default=None)
    last_round: Mapped[int | None] = mapped_column(default=None)
    max_meetings: Mapped[int | None] = mapped_column(default=None)
    host_table: Mapped[int | None] = mapped_column(default=None)
    walk_in: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(db.String(8), default=None)  # None: the event's
    status: Mapped[str] = mapped_column(db.String(16), default="registered")
    consent_at: Mapped[datetime | None] = mapped_column(default=None)
    consent_version: Mapped[str | None] = mapped_column(db.String(32), default=None)
    # When they agreed to be listed to the other attendees (who is coming, suggestions,
    # wishes); None: not listed. Unticked by default, withdrawn at any time.
    listed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the worker last stored this profile's item vectors (the updated_at it saw then);
    # older than updated_at, or None: the profile waits to be encoded (see text_vectors.py).
    vectors_at: Mapped[datetime | None] = mapped_column(default=None)
    checked_in_at: Mapped[datetime | None] = mapped_column(default=None)  # present on the day

    event: Mapped[Event] = relationship(back_populates="attendees")
    offers: Mapped[list[Topic]] = relationship(secondary=attendee_offer, order_by="Topic.position")
    needs: Mapped[list[Topic]] = relationship(secondary=attendee_need, order_by="Topic.position")
    manage_tokens: Mapped[list[ManageToken]] = relationship(
        back_populates="attendee", order_by="ManageToken.id", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def ticked_rounds(self) -> list[int] | None:
        """The rounds they ticked ("Rounds I can attend"); None: all."""
        if self.available_rounds is None or self.available_rounds == "":
            return None
        return [int(part) for part in self.available_rounds.split(",") if part.strip()]

    @property
    def rounds_list(self) -> list[int] | None:
        """The rounds they attend: the ticked ones inside their arrive-late / leave-early
        window; None: every round of the event."""
        ticked = self.ticked_rounds
        if self.first_round is None and self.last_round is None:
            return ticked
        every = ticked if ticked is not None else [r.number for r in self.event.rounds]
        return rounds_in_window(every, self.first_round, self.last_round)

    @property
    def attended_rounds(self) -> list[int]:
        """The round numbers they attend, spelled out: ``rounds_list``, or every round of the
        event for None. [] (a window outside their ticks) stays no round, as the engine reads it."""
        rounds = self.rounds_list
        return [r.number for r in self.event.rounds] if rounds is None else rounds

    @property
    def is_active(self) -> bool:
        return self.status == "registered"


class ManageToken(db.Model):
    """One private manage link of an attendee. Only the token's SHA-256 hash is stored.

    Every mail that carries a link adds a row, so links in earlier mails keep working;
    "send my link again" revokes all earlier rows.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    attendee_id: Mapped[int] = mapped_column(
        db.ForeignKey("attendee.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)  # hex SHA-256
    purpose: Mapped[str] = mapped_column(db.String(40))  # the mail it was issued for
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    attendee: Mapped[Attendee] = relationship(back_populates="manage_tokens")


class PairRuleKind(StrEnum):
    """What the organiser said about two attendees."""

    MUST_MEET = "must_meet"  # the schedule gives them a meeting whenever it can
    MUST_NOT_MEET = "must_not_meet"  # never scheduled together (a competitor, a conflict)
    # The organiser cancelled their meeting by hand: never paired again at this event (a rebuild
    # remembers it) until the organiser removes it on either person's page.
    CANCELLED = "cancelled"


class PairRule(db.Model):
    """The organiser's rule for two attendees of an event: one row per unordered pair,
    smaller attendee id first (see ``pair_rules``)."""

    __table_args__ = (
        UniqueConstraint("event_id", "attendee_a_id", "attendee_b_id"),
        CheckConstraint("kind IN ('must_meet', 'must_not_meet', 'cancelled')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attendee_a_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"))
    attendee_b_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"))
    kind: Mapped[PairRuleKind] = mapped_column(
        db.Enum(PairRuleKind, native_enum=False, length=16, validate_strings=True,
                values_callable=lambda kinds: [k.value for k in kinds]))


class WishKind(StrEnum):
    """What an attendee said about another attendee of their event."""

    MEET = "meet"  # "I'd like to meet": up to the event's wish_limit
    AVOID = "avoid"  # "I'd rather not meet": private, no limit


class Wish(db.Model):
    """One attendee's wish about another listed attendee of the same event (see wishes.py)."""

    __table_args__ = (
        UniqueConstraint("attendee_id", "other_id"),
        CheckConstraint("kind IN ('meet', 'avoid')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[WishKind] = mapped_column(
        db.Enum(WishKind, native_enum=False, length=8, validate_strings=True,
                values_callable=lambda kinds: [k.value for k in kinds]))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attendee: Mapped[Attendee] = relationship(foreign_keys=[attendee_id])
    other: Mapped[Attendee] = relationship(foreign_keys=[other_id])


class Suggestion(db.Model):
    """A listed attendee the worker suggests to another (highest mutual score first), with the
    structured reason, so pages show suggestions without loading a text model."""

    __table_args__ = (UniqueConstraint("attendee_id", "other_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"),
                                          index=True)
    rank: Mapped[int]
    score: Mapped[float]
    reason: Mapped[dict[str, Any] | None] = mapped_column(db.JSON, default=None)

    other: Mapped[Attendee] = relationship(foreign_keys=[other_id])


MESSAGE_STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """A mail to send. Written in the same transaction as the change that causes it."""

    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str | None] = mapped_column(db.String(200), unique=True, default=None)
    kind: Mapped[str] = mapped_column(db.String(40))
    event_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("event.id", ondelete="SET NULL"), index=True, default=None
    )
    attendee_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("attendee.id", ondelete="SET NULL"), index=True, default=None
    )
    to_name: Mapped[str] = mapped_column(db.String(200), default="")
    to_addr: Mapped[str] = mapped_column(db.String(254))
    subject: Mapped[str] = mapped_column(db.String(300))
    body_text: Mapped[str] = mapped_column(db.Text)
    body_html: Mapped[str | None] = mapped_column(db.Text, default=None)
    attachments: Mapped[str | None] = mapped_column(db.Text, default=None)  # JSON list, base64 data
    status: Mapped[str] = mapped_column(db.String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(db.Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set once at queue time, so a retry after an uncertain outcome is recognisably the same mail.
    message_id: Mapped[str | None] = mapped_column(db.String(255), default=None)
    # While ``sending``: the claiming worker's lease; after it, another worker may retry.
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    # Start of the retry window (queued, or queued again by "resend"); None: created_at.
    queued_at: Mapped[datetime | None] = mapped_column(default=None)


class JobStatus(StrEnum):
    """Where a job stands. A str, so it is stored as its value and compares with plain strings."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """Background work (a schedule build, the PDFs of a version). At most one active job per
    event and kind. ``jobs.run_job`` takes it from claimed to done or failed."""

    __table_args__ = (
        Index(
            "uq_job_active_per_event",
            "event_id",
            "kind",
            unique=True,
            sqlite_where=db.text("status IN ('queued', 'running')"),
            postgresql_where=db.text("status IN ('queued', 'running')"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(db.String(40))
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    status: Mapped[JobStatus] = mapped_column(
        db.Enum(JobStatus, native_enum=False, length=16, validate_strings=True,
                values_callable=lambda statuses: [s.value for s in statuses]),
        default=JobStatus.QUEUED)
    params: Mapped[dict[str, Any]] = mapped_column(db.JSON, default=dict)
    progress: Mapped[dict[str, Any]] = mapped_column(db.JSON, default=dict)  # while running, then the result
    error: Mapped[str | None] = mapped_column(db.Text, default=None)  # why it failed, for the organiser
    # The version the job is about: the one a build made, the one a PDF job draws.
    version_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("schedule_version.id", ondelete="SET NULL"), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # Which worker holds it and when it last said it is alive: its lease (see jobs.py). A job
    # whose worker stopped beating is taken over; ``attempts`` counts the runs it was given.
    claimed_by: Mapped[str | None] = mapped_column(db.String(100), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    version: Mapped[ScheduleVersion | None] = relationship()


class ScheduleVersion(db.Model):
    __table_args__ = (UniqueConstraint("event_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(db.String(16), default="draft")  # draft | published
    based_on_id: Mapped[int | None] = mapped_column(default=None)
    held_rounds: Mapped[int] = mapped_column(default=0)  # rounds kept as they were (rebuild)
    inputs_fingerprint: Mapped[str] = mapped_column(db.String(64), default="")
    seed: Mapped[int] = mapped_column(default=0)
    solver_status: Mapped[str] = mapped_column(db.String(16), default="")
    solver_message: Mapped[str] = mapped_column(db.Text, default="")
    objective: Mapped[float] = mapped_column(default=0.0)
    upper_bound: Mapped[float] = mapped_column(default=0.0)
    gap: Mapped[float] = mapped_column(default=0.0)
    wall_time: Mapped[float] = mapped_column(default=0.0)
    details: Mapped[str] = mapped_column(db.Text, default="{}")  # JSON: unmet requests, short, …
    scorer: Mapped[str] = mapped_column(db.String(40), default="")  # what judged the pairs
    two_way_share: Mapped[float | None] = mapped_column(default=None)  # meetings where both gain
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)

    event: Mapped[Event] = relationship()
    meetings: Mapped[list[SavedMeeting]] = relationship(
        back_populates="version",
        order_by="(SavedMeeting.round_number, SavedMeeting.table_number)",
        cascade="all, delete-orphan",
    )


class SavedMeeting(db.Model):
    """A meeting saved in a schedule version: a row, where the engine's
    ``matching.ScheduledMeeting`` is the solver's output before it is saved."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("version_id", "round_number", "table_number"),
        Index("ix_meeting_version_round", "version_id", "round_number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        db.ForeignKey("schedule_version.id", ondelete="CASCADE"), index=True
    )
    round_number: Mapped[int]
    table_number: Mapped[int]
    attendee_a_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"))
    attendee_b_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"))
    # The third person of a trio (None: a meeting of two). Erasing them leaves the pair's meeting.
    attendee_c_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("attendee.id", ondelete="SET NULL"), default=None)
    score: Mapped[float] = mapped_column(default=0.0)
    why: Mapped[str] = mapped_column(db.Text, default="")  # the reason, third person, English
    benefit_ab: Mapped[float | None] = mapped_column(default=None)  # a -> b
    benefit_ba: Mapped[float | None] = mapped_column(default=None)  # b -> a
    # What each side offers that the other needs, quoted (matching.reasons.Explanation as
    # JSON); pages render it in the reader's person and language. None: only ``why`` is known.
    reason: Mapped[dict[str, Any] | None] = mapped_column(db.JSON, default=None)

    version: Mapped[ScheduleVersion] = relationship(back_populates="meetings")
    attendee_a: Mapped[Attendee] = relationship(foreign_keys=[attendee_a_id])
    attendee_b: Mapped[Attendee] = relationship(foreign_keys=[attendee_b_id])
    attendee_c: Mapped[Attendee | None] = relationship(foreign_keys=[attendee_c_id])

    @property
    def people_ids(self) -> tuple[int, ...]:
        """The ids of the two people, or the three of a trio."""
        return people_at(self.attendee_a_id, self.attendee_b_id, self.attendee_c_id)

    @property
    def people(self) -> list[Attendee]:
        """The two people, or the three of a trio."""
        return [x for x in (self.attendee_a, self.attendee_b, self.attendee_c) if x is not None]

    @property
    def is_trio(self) -> bool:
        return self.attendee_c_id is not None

    def partners_of(self, attendee_id: int) -> list[Attendee]:
        """Everybody else at the table: one partner, or two in a trio."""
        return [x for x in self.people if x.id != attendee_id]

    def partner_of(self, attendee_id: int) -> Attendee:
        """The other person (the first of the two others in a trio: see ``partners_of``)."""
        return self.partners_of(attendee_id)[0]


class PrivacyNotice(db.Model):
    """Each version of an event's privacy notice, so the text an attendee agreed to can be
    shown again (``Attendee.consent_version`` "e<version>")."""

    __tablename__ = "privacy_notice"
    __table_args__ = (UniqueConstraint("event_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CancelledMeeting(db.Model):
    """A saved meeting whose other person erased their data: the partner's agenda still shows
    the slot, as "a cancelled meeting", instead of it silently disappearing."""

    __tablename__ = "cancelled_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        db.ForeignKey("schedule_version.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(
        db.ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    round_number: Mapped[int]
    table_number: Mapped[int]
    cancelled_at: Mapped[datetime] = mapped_column(default=utcnow)


FEEDBACK_HAPPENED = ("yes", "no_show", "cancelled")


class MeetingFeedback(db.Model):
    """What one person of a saved meeting says about it (feedback.py): did it happen, what they
    gained and what they could give (0 none, 1 a little, 2 a lot), a planned follow-up and a
    note only the organiser reads. Deleted with the meeting or either person."""

    __tablename__ = "meeting_feedback"
    __table_args__ = (
        # one answer per person and partner: in a trio each person rates both others
        UniqueConstraint("meeting_id", "attendee_id", "partner_id"),
        CheckConstraint("happened IN ('yes', 'no_show', 'cancelled')", name="happened"),
        CheckConstraint("gained IS NULL OR gained BETWEEN 0 AND 2", name="gained"),
        CheckConstraint("gave IS NULL OR gave BETWEEN 0 AND 2", name="gave"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(db.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(db.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(db.ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    happened: Mapped[str] = mapped_column(db.String(16))
    gained: Mapped[int | None] = mapped_column(default=None)
    gave: Mapped[int | None] = mapped_column(default=None)
    follow_up: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(db.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TextVector(db.Model):
    """One item's vector from a text model, keyed by model name and the hash of the text the
    model reads: a profile is encoded once, and an unchanged text never again."""

    __tablename__ = "text_vector"
    model: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    text_hash: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(db.LargeBinary)  # float32, little-endian
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
