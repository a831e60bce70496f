"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be slow."""

from __future__ import annotations

import asyncio
import contextlib
import email
import threading
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from live_server import free_port


class Mailbox:
    """Keeps each message as it arrives in DATA, then waits ``delay`` seconds before "250"
    (a slow or hanging server); ``replies`` are answered to DATA instead, one per message."""

    def __init__(self):
        self.raw: list[bytes] = []
        self.replies: list[str] = []
        self.delay = 0.0
        self.in_data = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.replies:
            return self.replies.pop(0)
        self.raw.append(envelope.content)
        self.in_data.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    @property
    def received(self) -> list[EmailMessage]:
        return [email.message_from_bytes(raw, policy=policy.default) for raw in self.raw]


@contextlib.contextmanager
def loopback_smtp(app) -> Iterator[Mailbox]:
    """Serve a Mailbox on 127.0.0.1 and point the app's SMTP settings at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    try:
        yield mailbox
    finally:
        controller.stop()
