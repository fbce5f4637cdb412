#!/usr/bin/env python3
"""bench/events' client (stdlib only): subscriber replay throughput and write-to-event latency.

Prints one JSON line: {replayEvents, replaySeconds, replayPerSecond, latencySamples, latencyP50Ms,
latencyP99Ms, afterReplyP50Ms, afterReplyP99Ms}. The latency writer runs while `crmd-bench load` (8 connections of lead.add) keeps
the server busy, if --bench is given.
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import threading
import time

LEAD = {"title": "bench", "phones": [{"value": "+7 916 000-00-00"}], "emails": [{"value": "b@e.ru"}], "city": "М", "topic": "т"}


def connect(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    return sock


def replay(path: str, events: int) -> tuple[int, float]:
    """Subscribes from the start and reads until the event with seq `events` arrived."""
    sock = connect(path)
    started = time.perf_counter()
    sock.sendall(b'{"jsonrpc":"2.0","id":1,"method":"event.subscribe","params":{"after":0}}\n')
    buffer = b""
    count = 0
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise SystemExit("the server closed the subscription")
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        count += sum(1 for line in lines if line.startswith(b'{"jsonrpc":"2.0","method":"event"'))
        if lines and b'"method":"event"' in lines[-1]:
            if json.loads(lines[-1])["params"]["seq"] >= events:
                break
    elapsed = time.perf_counter() - started
    sock.close()
    return count, elapsed


def latency(path: str, samples: int, bench: str | None) -> list[float]:
    arrived: dict[int, float] = {}
    lock = threading.Lock()
    sub = connect(path)
    sub.sendall(b'{"jsonrpc":"2.0","id":1,"method":"event.subscribe","params":{"topics":["lead.created"]}}\n')
    stop = threading.Event()

    def read() -> None:
        buffer = b""
        while not stop.is_set():
            chunk = sub.recv(1 << 20)
            if not chunk:
                return
            now = time.perf_counter()
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if b'"method":"event"' in line:
                    with lock:
                        arrived[json.loads(line)["params"]["id"]] = now

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    load = None
    if bench:
        load = subprocess.Popen([bench, "load", "--socket", path, "--method", "lead.add", "--connections", "8", "--depth", "1",
                                 "--seconds", "600", "--warmup", "0", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
    writer = connect(path)
    reader_file = writer.makefile("rb")
    sent: dict[int, float] = {}
    replied: dict[int, float] = {}
    for index in range(samples):
        request = {"jsonrpc": "2.0", "id": index + 10, "method": "lead.add", "params": {"fields": LEAD}}
        start = time.perf_counter()
        writer.sendall(json.dumps(request).encode() + b"\n")
        reply = json.loads(reader_file.readline())
        sent[reply["result"]["id"]] = start
        replied[reply["result"]["id"]] = time.perf_counter()
    deadline = time.time() + 10
    while time.time() < deadline:
        with lock:
            if all(i in arrived for i in sent):
                break
        time.sleep(0.01)
    if load:
        load.terminate()
        load.wait()
    stop.set()
    with lock:
        # From the call sent (the write's whole round trip included: an upper bound), and from
        # its reply received (crmd replies once the write committed, so this is the event's
        # delay after the commit as seen by a client; 0 when the event came first).
        return (sorted((arrived[i] - sent[i]) * 1000 for i in sent if i in arrived),
                sorted(max(0.0, arrived[i] - replied[i]) * 1000 for i in sent if i in arrived))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--bench", default=None, help="crmd-bench, to keep 8 writers busy meanwhile")
    args = parser.parse_args()
    count, seconds = replay(args.socket, args.events)
    delays, after_reply = latency(args.socket, args.samples, args.bench)
    pick = lambda q, d=delays: round(d[min(len(d) - 1, int(q * len(d)))], 3) if d else None
    print(json.dumps(separators=(",", ":"), obj={"replayEvents": count, "replaySeconds": round(seconds, 3), "replayPerSecond": round(count / seconds),
                      "latencySamples": len(delays), "latencyP50Ms": pick(0.5), "latencyP99Ms": pick(0.99),
                      "afterReplyP50Ms": pick(0.5, after_reply), "afterReplyP99Ms": pick(0.99, after_reply)}))


if __name__ == "__main__":
    main()
