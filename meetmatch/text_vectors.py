"""Item vectors in the database: encoded once, in the worker, when a profile is saved.

The encoder (``meetmatch.matching.encoders``) is slow next to everything else (about 40
texts a second on two cores), so a profile is encoded once and its vectors are stored in
the ``text_vector`` table keyed by model name and the hash of the text the model reads. An
unchanged profile is never encoded again; a build encodes only what is missing.

Who encodes what:

* the worker's idle pass, :func:`encode_pending_profiles`: attendees whose profile changed
  since their vectors were made (``Attendee.vectors_at`` older than ``updated_at``, or
  never made) get their missing item vectors; this needs no job row, and a crash simply
  leaves them pending for the next pass;
* a schedule build (:mod:`meetmatch.schedules.engine_io`) passes a
  :class:`DatabaseVectorCache` to the scorer, which encodes whatever is still missing.

A web request never loads the model: pages read the scores and reasons a build stored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
from flask import current_app
from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .extensions import db
from .models import Attendee, TextVector

log = logging.getLogger(__name__)

CHUNK = 500  # hashes per SELECT: well under SQLite's and PostgreSQL's parameter limits


class DatabaseVectorCache:
    """The ``VectorCache`` of the matching engine, stored in the ``text_vector`` table.

    Writes commit at once (one short transaction per batch), so a long build never holds
    the SQLite write lock, and concurrent workers storing the same vector do not collide.
    """

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(hashes))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            rows = db.session.execute(
                db.select(TextVector.text_hash, TextVector.vector)
                .where(TextVector.model == model, TextVector.text_hash.in_(chunk))
            ).all()
            for text_hash, blob in rows:
                out[text_hash] = np.frombuffer(blob, dtype=np.float32)
        db.session.commit()  # end the read transaction
        return out

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        rows = [{"model": model, "text_hash": h,
                 "vector": np.asarray(v, dtype=np.float32).tobytes()}
                for h, v in vectors.items()]
        if not rows:
            return
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        for start in range(0, len(rows), CHUNK):
            stmt = insert(TextVector).values(rows[start:start + CHUNK])
            db.session.execute(stmt.on_conflict_do_nothing(index_elements=["model", "text_hash"]))
            db.session.commit()


def scorer_name() -> str:
    """The scorer the configuration names (``MEETMATCH_SCORER``; default ``e5-small``)."""
    return str(current_app.config.get("SCORER") or "e5-small")


def pending_profiles_query(limit: int):
    return (db.select(Attendee)
            .where(Attendee.status != "withdrawn",
                   or_(Attendee.vectors_at.is_(None), Attendee.vectors_at < Attendee.updated_at))
            .order_by(Attendee.id).limit(limit))


def encode_pending_profiles(limit: int = 200) -> int:
    """Encode the items of up to ``limit`` changed profiles; return how many profiles.

    Runs in the worker only (it loads the text model). With the lexical scorer, or when the
    model cannot load, profiles are only marked done: the lexical scorer needs no vectors.
    """
    from .matching.encoders import encode_profiles, load_encoder
    from .schedules.engine_io import participant_for_encoding

    people = db.session.execute(pending_profiles_query(limit)).scalars().all()
    if not people:
        db.session.commit()
        return 0
    encoder = load_encoder(scorer_name())
    seen = [{"pid": a.id, "seen": a.updated_at} for a in people]
    if encoder is not None:
        participants = [participant_for_encoding(a) for a in people]
        db.session.commit()  # no transaction stays open while the model works
        new = encode_profiles(encoder, DatabaseVectorCache(), participants)
        log.info("encoded %d new item(s) for %d profile(s) with %s", new, len(seen), encoder.name)
    # vectors_at takes the updated_at that was read, so an edit saved meanwhile stays pending;
    # updated_at itself must not move (it has an onupdate), hence the explicit value.
    table = Attendee.__table__
    db.session.execute(
        table.update().where(table.c.id == db.bindparam("pid"))
        .values(vectors_at=db.bindparam("seen"), updated_at=table.c.updated_at), seen)
    db.session.commit()
    return len(seen)
