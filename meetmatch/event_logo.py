"""An event's logo: an uploaded image, checked by its content and stored as a re-encoded PNG.

The upload is opened with Pillow, whatever its name or declared type says: only PNG, JPEG, GIF
and WebP pictures are accepted (SVG, which can carry scripts, is not an image to Pillow and is
refused). The picture is decoded, scaled down to at most ``MAX_SIZE`` and written out again as
PNG, so nothing of the uploaded file but its pixels is ever served. It lives in the database
(``event.logo_png``), so backups and several web processes see the same logo.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from .extensions import db
from .i18n import _
from .models import Event

MAX_UPLOAD_BYTES = 1024 * 1024  # 1 MB
MAX_PIXELS = 40_000_000  # refused before decoding: a small file can unpack to gigabytes
MAX_SIZE = (800, 300)  # the stored logo is at most this wide and high
FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


class LogoError(ValueError):
    """Why an upload cannot be the logo, in words for the form."""


def logo_png(data: bytes) -> bytes:
    """The uploaded bytes as a scaled-down PNG; LogoError saying why not."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise LogoError(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise LogoError(_("The image is larger than 1 MB. Save it smaller (e.g. 800 × 300 pixels)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise LogoError(_("Upload a PNG, JPEG, GIF or WebP image."))
            if image.width * image.height > MAX_PIXELS:
                raise LogoError(_("The image has too many pixels. Save it smaller."))
            image.load()
    except LogoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise LogoError(_("This file is not a PNG, JPEG, GIF or WebP image (SVG is not accepted).")) from error
    image = image.convert("RGBA")
    image.thumbnail(MAX_SIZE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def set_event_logo(event: Event, data: bytes) -> None:
    """Check, re-encode and store the logo (commits); LogoError leaves the old one."""
    event.logo_png = logo_png(data)
    db.session.commit()


def remove_event_logo(event: Event) -> None:
    """Remove the logo (commits)."""
    event.logo_png = None
    db.session.commit()


def logo_version(event: Event) -> str:
    """A short fingerprint of the stored logo: part of its URL, so a new logo is never served
    from a cache of the old one."""
    return hashlib.sha256(event.logo_png or b"").hexdigest()[:12]
