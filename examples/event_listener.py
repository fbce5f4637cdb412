#!/usr/bin/env python3
"""Prints crmd's events as they happen, one JSON object per line (a second process for
invoice_to_paid.py, and a tool of its own).

    event_listener.py SOCKET [--after SEQ] [TOPIC ...]      e.g. 'invoice.*' 'payment.*'

Subscribes with the Python client's `subscribe()`: the events after SEQ from the log first
(none without --after), then each as its write commits. Runs until SIGTERM or SIGINT (exit 0),
the connection ends (exit 1) or the server drops it for falling behind (exit 1).
"""
from __future__ import annotations

import json
import os
import signal
import sys
from types import FrameType

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Clients", "python"))
from crmd_client import Client, ConnectionClosed, CrmdError, SubscriptionOverflow  # noqa: E402


def stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    socket_path, rest = argv[0], argv[1:]
    after = None
    if rest[:1] == ["--after"] and len(rest) >= 2:
        after, rest = int(rest[1]), rest[2:]
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        with Client.connect(socket_path) as crm:
            for event in crm.subscribe(rest, after=after):
                print(json.dumps(event, ensure_ascii=False, separators=(",", ":")), flush=True)
    except (CrmdError, ConnectionClosed, SubscriptionOverflow, OSError) as error:
        print(f"event_listener: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print("event_listener: the connection ended", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
