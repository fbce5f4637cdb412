#!/usr/bin/env python3
"""A loopback stand-in for the company registry's findById/party API, for RegistryTests.

    python3 registry_stub.py [--port 0] [--token test-token] [--slow-seconds 3]

Prints the port it listens on (127.0.0.1) as its first stdout line, then serves until killed.
`POST /suggestions/api/4_1/rs/findById/party` with `Authorization: Token <token>` and a JSON body
`{"query": "<inn>", "branch_type": "MAIN"}` answers `{"suggestions": [...]}` in the API's format:
one LEGAL company (7736207543) and one INDIVIDUAL entrepreneur (500100732259) are known, any other
INN gets no suggestions. A wrong or missing token gets 401. Special INNs:
0000000500 → HTTP 500, 0000000429 → HTTP 429, 0000000403 → HTTP 403, 0000000999 → answers after
--slow-seconds (longer than a client timeout), 0000000888 → a body that is not JSON,
0000000777 → JSON of the wrong shape. The same failures come for INNs with valid checksums:
7707083893 → 500, 7736050003 → slow, 1234567894 → not JSON, 123456789047 → wrong shape.
Standard library only.
"""
import argparse
import json
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/suggestions/api/4_1/rs/findById/party"

# Registration dates in epoch milliseconds: 2002-07-18T21:30:00Z (already the 19th in Moscow:
# the client must use UTC) and 2004-04-14T00:00:00Z.
LEGAL = {
    "value": 'ООО "ЯНДЕКС"',
    "unrestricted_value": 'ООО "ЯНДЕКС"',
    "data": {
        "inn": "7736207543",
        "kpp": "770401001",
        "ogrn": "1027700229193",
        "ogrn_date": 1029456000000,
        "type": "LEGAL",
        "name": {
            "full_with_opf": 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЯНДЕКС"',
            "short_with_opf": 'ООО "ЯНДЕКС"',
            "full": "ЯНДЕКС",
            "short": "ЯНДЕКС",
        },
        "fio": None,
        "opf": {"code": "12300", "full": "Общество с ограниченной ответственностью", "short": "ООО"},
        "management": {"name": "Иванов Иван Иванович", "post": "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР"},
        "state": {"status": "ACTIVE", "registration_date": 1027027800000, "liquidation_date": None},
        "address": {
            "value": "г Москва, ул Льва Толстого, д 16",
            "unrestricted_value": "119021, г Москва, ул Льва Толстого, д 16",
            "data": {"region_with_type": "г Москва"},
        },
        "okpo": "55210474",
        "oktmo": "45383000000",
        "okved": "62.01",
    },
}

INDIVIDUAL = {
    "value": "ИП Петров Пётр Петрович",
    "unrestricted_value": "ИП Петров Пётр Петрович",
    "data": {
        "inn": "500100732259",
        "kpp": None,
        "ogrn": "304500116000157",
        "ogrn_date": 1081900800000,
        "type": "INDIVIDUAL",
        "name": {"full_with_opf": "Индивидуальный предприниматель Петров Пётр Петрович", "short_with_opf": "ИП Петров П. П."},
        "fio": {"surname": "Петров", "name": "Пётр", "patronymic": "Петрович"},
        "opf": {"code": "50102", "full": "Индивидуальный предприниматель", "short": "ИП"},
        "management": None,
        "state": {"status": "ACTIVE", "registration_date": 1081900800000, "liquidation_date": None},
        "address": {"value": "Московская обл, г Химки", "unrestricted_value": "141400, Московская обл, г Химки", "data": {"region_with_type": "Московская обл"}},
        "okpo": "0123456789",
        "oktmo": "46783000001",
        "okved": "47.91",
    },
}

KNOWN = {"7736207543": LEGAL, "500100732259": INDIVIDUAL}

# INNs with valid checksums that trigger the same failures, for clients (like crmd's API)
# that refuse to send an INN failing its checksum.
CHECKSUM_VALID_FAILURES = {"7707083893": "0000000500", "7736050003": "0000000999", "1234567894": "0000000888",
                           "123456789047": "0000000777"}


class Handler(BaseHTTPRequestHandler):
    server_version = "registry-stub/1"

    def log_message(self, format, *args):  # keep the test output clean
        pass

    def send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path != PATH:
            return self.send(404, {"family": "CLIENT_ERROR", "reason": "Not Found"})
        if self.headers.get("Authorization") != "Token " + self.server.token:
            return self.send(401, {"family": "CLIENT_ERROR", "reason": "Unauthorized"})
        try:
            query = str(json.loads(raw.decode("utf-8"))["query"]).strip()
        except (ValueError, KeyError, TypeError):
            return self.send(400, {"family": "CLIENT_ERROR", "reason": "Bad Request"})
        query = CHECKSUM_VALID_FAILURES.get(query, query)
        if query == "0000000500":
            return self.send(500, {"family": "SERVER_ERROR", "reason": "Internal Server Error"})
        if query == "0000000429":
            return self.send(429, {"family": "CLIENT_ERROR", "reason": "Too Many Requests"})
        if query == "0000000403":
            return self.send(403, {"family": "CLIENT_ERROR", "reason": "Forbidden"})
        if query == "0000000888":
            return self.send(200, b"<html><body>Bad Gateway</body></html>", "text/html")
        if query == "0000000777":
            return self.send(200, {"results": []})
        if query == "0000000999":
            time.sleep(self.server.slow_seconds)
            return self.send(200, {"suggestions": []})
        found = KNOWN.get(query)
        self.send(200, {"suggestions": [found] if found else []})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    args = parser.parse_args()
    # A parent may have started us with signals blocked (they are inherited): unblock them so
    # that SIGTERM and SIGINT stop the server.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.token = args.token
    server.slow_seconds = args.slow_seconds
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
