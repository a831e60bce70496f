"""A real SMTP server on loopback (aiosmtpd) whose answers a test can script."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class ScriptedHandler:
    """Accepts mail, except: ``temporary`` recipients get 421 that many times, ``refuse`` get 550."""

    def __init__(self):
        self.received: list[EmailMessage] = []
        self.temporary: dict[str, int] = {}
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ARG002
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        if self.temporary.get(address, 0) > 0:
            self.temporary[address] -= 1
            return "421 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ARG002
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if address in m["To"]]


def start_server(port: int) -> tuple[Controller, ScriptedHandler]:
    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler
