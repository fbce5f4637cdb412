#!/usr/bin/env python3
"""A loopback SMTP sink for the Mail tests (aiosmtpd).

Listens on 127.0.0.1, port 0; prints the port on the first stdout line, then runs until killed.
Each accepted message is written as <n>.eml into the directory given as the first argument.

  --user U --password P   require AUTH (PLAIN/LOGIN, allowed without TLS) with these credentials
  --mechanisms LOGIN      advertise only these AUTH mechanisms (default: PLAIN LOGIN)
  --reject ADDR           answer RCPT TO:<ADDR> with 550 (may be repeated)
  --tempfail              answer every DATA with 451 (temporary failure)
  --silent                accept TCP connections but never say anything
  --record-auth FILE      advertise AUTH without requiring it, accept any credentials and append
                          each login and password received to FILE (a listener stealing secrets)
"""
import argparse
import asyncio
import itertools
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, reject, tempfail):
        self.directory = directory
        self.reject = {a.lower() for a in reject}
        self.tempfail = tempfail
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail:
            return "451 4.3.0 Temporary local problem, try again later"
        path = os.path.join(self.directory, "%d.eml" % next(self.counter))
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)
        return "250 2.0.0 OK queued"


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return authenticate


def recorder_to(path):
    def authenticate(server, session, envelope, mechanism, auth_data):
        with open(path, "a") as f:
            login = getattr(auth_data, "login", b"") or b""
            password = getattr(auth_data, "password", b"") or b""
            f.write("%s %s %s\n" % (mechanism, login.decode(errors="replace"), password.decode(errors="replace")))
        return AuthResult(success=True, handled=False)
    return authenticate


async def silent(reader, writer):
    await asyncio.sleep(3600)


def main():
    warnings.simplefilter("ignore")
    # A parent may spawn us with signals blocked (Swift's test runner does): let SIGTERM/SIGINT work.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--mechanisms", nargs="*", default=["PLAIN", "LOGIN"])
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--tempfail", action="store_true")
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--record-auth")
    args = parser.parse_args()

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if args.silent:
        server = loop.run_until_complete(asyncio.start_server(silent, "127.0.0.1", 0))
    else:
        handler = Sink(args.directory, args.reject, args.tempfail)
        options = {}
        if args.user is not None:
            excluded = [m for m in ("PLAIN", "LOGIN") if m not in {x.upper() for x in args.mechanisms}]
            options = dict(auth_required=True, auth_require_tls=False,
                           auth_exclude_mechanism=excluded,
                           authenticator=authenticator_for(args.user, args.password or ""))
        elif args.record_auth is not None:
            options = dict(auth_required=False, auth_require_tls=False, authenticator=recorder_to(args.record_auth))
        server = loop.run_until_complete(loop.create_server(
            lambda: SMTP(handler, hostname="sink.test", **options), "127.0.0.1", 0))
    print(server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
