"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be scripted:
refused or temporarily refused recipients, scripted answers to DATA, a slow answer."""

from __future__ import annotations

import asyncio
import contextlib
import email
import threading
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from .helpers import free_port


class Mailbox:
    """What the server received, and how it answers.

    ``received``: each message, parsed; ``raw``: the same as bytes; ``deliveries``: (envelope
    recipients, bytes) per message. ``refuse``: recipients answered 550; ``temporary``:
    recipients answered 421 that many times; ``replies``: answers to DATA instead of
    accepting, one per message; ``delay``: seconds to wait before the "250" (a slow server).
    ``in_data`` is set once a message has arrived.
    """

    def __init__(self):
        self.port = 0
        self.received: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.deliveries: list[tuple[list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.temporary: dict[str, int] = {}
        self.replies: list[str] = []
        self.delay = 0.0
        self.in_data = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ARG002, N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        if self.temporary.get(address, 0) > 0:
            self.temporary[address] -= 1
            return "421 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ARG002, N802 (aiosmtpd's hook)
        if self.replies:
            return self.replies.pop(0)
        self.raw.append(envelope.content)
        self.deliveries.append((list(envelope.rcpt_tos), envelope.content))
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.in_data.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        return [m for m in self.received if address in m["To"]]


@contextlib.contextmanager
def serve_smtp() -> Iterator[Mailbox]:
    """Run a Mailbox on 127.0.0.1 on a free port (``mailbox.port``) until the block ends."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()
