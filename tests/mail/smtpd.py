#!/usr/bin/python3
"""A loopback SMTP server (Debian python3-aiosmtpd) for the tests and the
development mail catcher of `make run`. Every message it accepts is
written to DIR as <n>.eml, and a line "message-id<TAB>recipient" is
appended to DIR/delivered.tsv.

What it answers depends on the recipient's local part, so a test picks
the failure by address:
  tempfail...@    451 at RCPT, every time
  bounce...@      550 at RCPT
  drop...@        closes the connection at RCPT
  flakyN...@      451 the first N times for that address, then accepts
anything else is accepted. "Down" is the server not running.

  smtpd.py PORT DIR
"""
import asyncio
import os
import re
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.n = len([f for f in os.listdir(folder) if f.endswith(".eml")])
        self.tries = {}

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("tempfail"):
            return "451 4.3.0 try again later"
        if local.startswith("bounce"):
            return "550 5.1.1 no such user"
        if local.startswith("drop"):
            server.transport.close()
            return "421 4.3.0 closing"
        m = re.match(r"flaky(\d+)", local)
        if m:
            seen = self.tries.get(address, 0)
            self.tries[address] = seen + 1
            if seen < int(m.group(1)):
                return "451 4.3.0 flaky"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.content
        m = re.search(rb"^Message-ID: *(\S+)", data, re.M | re.I)
        mid = m.group(1).decode() if m else "-"
        self.n += 1
        path = os.path.join(self.folder, "%06d.eml" % self.n)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.rename(path + ".tmp", path)
        with open(os.path.join(self.folder, "delivered.tsv"), "a") as f:
            for r in envelope.rcpt_tos:
                f.write("%s\t%s\n" % (mid, r))
        return "250 2.0.0 queued"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    ctl = Controller(Handler(folder), hostname="127.0.0.1", port=port,
                     decode_data=False, data_size_limit=1 << 20)
    ctl.start()
    print("smtpd: listening on 127.0.0.1:%d, mail in %s" % (port, folder),
          flush=True)
    done = asyncio.Event()
    loop = asyncio.new_event_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, done.set)
    loop.run_until_complete(done.wait())
    ctl.stop()


if __name__ == "__main__":
    main()
