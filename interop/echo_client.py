#!/usr/bin/env python3
"""Drives an echo.v1.Echo server (the Swift demo, or interop/echo_server.py)
with a fixed workload and prints a JSON summary of what it sent and got.

Workload, in order (request texts as echo.proto documents them):
   1. Get "hello" x3                          -> OK
   2. Get "error:NOT_FOUND" x2                -> NOT_FOUND
   3. Get "panic"                             -> UNKNOWN
   4. /echo.v1.Echo/Nope (generic unary call) -> UNIMPLEMENTED
   5. Collect ["a","b","c","d"]               -> OK, answer "4"
   6. Collect ["a","error:INVALID_ARGUMENT"]  -> INVALID_ARGUMENT
   7. Expand "3"                              -> OK, answers "0","1","2"
   8. Expand "error:PERMISSION_DENIED"        -> PERMISSION_DENIED
   9. Update ["x","y"]                        -> OK, echoes "x","y"
  10. Update ["x","error:ABORTED"]            -> ABORTED (after echoing "x")
  11. Get "sleep:2000" with a 0.3 s timeout   -> DEADLINE_EXCEEDED
  12. Get "sleep:2000", cancelled after 0.3 s -> CANCELLED

The summary (one JSON document on stdout) has:
  calls      one entry per RPC: method, grpc_type, request texts, messages sent
             and received, response texts, code (canonical name, e.g.
             NOT_FOUND), grpc_code (go-grpc-prometheus spelling, e.g. NotFound),
             expected_code and ok
  by_method  per full method (echo.v1.Echo/Get ...): started, msg_sent,
             msg_received and handled (by grpc_code) -- the client-side
             counts grpc_client_* metrics of a go-grpc-prometheus style
             client would show for this workload
  codes      number of calls per code name
  as_expected  true when every call ended with its expected code and the
               expected messages

Exit status: 0 when as_expected, 1 otherwise, 2 when the server cannot be reached.

Usage: echo_client.py --target 127.0.0.1:PORT [--gen-dir interop/gen]
Standard library and grpcio only (plus the stubs interop/gen.sh generates).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import OrderedDict
from typing import Callable, Iterable, Iterator

import grpc

import echo_stubs

SERVICE = "echo.v1.Echo"

# Canonical status-code names -> go-grpc-prometheus's grpc_code label values
# (Go's codes.Code.String()).
GO_CODE_NAMES = {
    "OK": "OK",
    "CANCELLED": "Canceled",
    "UNKNOWN": "Unknown",
    "INVALID_ARGUMENT": "InvalidArgument",
    "DEADLINE_EXCEEDED": "DeadlineExceeded",
    "NOT_FOUND": "NotFound",
    "ALREADY_EXISTS": "AlreadyExists",
    "PERMISSION_DENIED": "PermissionDenied",
    "RESOURCE_EXHAUSTED": "ResourceExhausted",
    "FAILED_PRECONDITION": "FailedPrecondition",
    "ABORTED": "Aborted",
    "OUT_OF_RANGE": "OutOfRange",
    "UNIMPLEMENTED": "Unimplemented",
    "INTERNAL": "Internal",
    "UNAVAILABLE": "Unavailable",
    "DATA_LOSS": "DataLoss",
    "UNAUTHENTICATED": "Unauthenticated",
}


class _Counting:
    """Wraps a request iterator and counts the messages grpcio takes from it."""

    def __init__(self, messages: Iterable) -> None:
        self._messages = messages
        self.count = 0

    def __iter__(self) -> Iterator:
        for message in self._messages:
            self.count += 1
            yield message


def _code_name(code: grpc.StatusCode | None) -> str:
    return code.name if code is not None else "UNKNOWN"


class Workload:
    def __init__(self, channel: grpc.Channel, pb2, pb2_grpc, call_timeout: float) -> None:
        self.pb2 = pb2
        self.stub = pb2_grpc.EchoStub(channel)
        self.channel = channel
        self.call_timeout = call_timeout
        self.calls: list[dict] = []

    def _record(
        self,
        method: str,
        grpc_type: str,
        texts: list[str],
        sent: int,
        responses: list[str],
        code: str,
        expected_code: str,
        expected_responses: list[str] | None,
        started: float,
        details: str | None,
    ) -> None:
        ok = code == expected_code and (
            expected_responses is None or responses == expected_responses
        )
        entry = OrderedDict(
            method=method,
            grpc_type=grpc_type,
            request=texts,
            msg_sent=sent,
            msg_received=len(responses),
            responses=responses,
            code=code,
            grpc_code=GO_CODE_NAMES.get(code, code),
            expected_code=expected_code,
            ok=ok,
            seconds=round(time.monotonic() - started, 3),
        )
        if details and code != "OK":
            entry["details"] = details
        if expected_responses is not None and responses != expected_responses:
            entry["expected_responses"] = expected_responses
        self.calls.append(entry)

    def request(self, text: str):
        return self.pb2.EchoRequest(text=text)

    def unary(
        self,
        text: str,
        expected_code: str,
        expected_response: str | None = None,
        timeout: float | None = None,
        method: str = "Get",
        call: Callable | None = None,
    ) -> None:
        started = time.monotonic()
        call = call or self.stub.Get
        responses: list[str] = []
        details = None
        try:
            response = call(self.request(text), timeout=timeout or self.call_timeout)
            responses.append(response.text)
            code = "OK"
        except grpc.RpcError as error:
            code = _code_name(error.code())
            details = error.details()
        expected = [expected_response] if expected_response is not None else (
            [] if expected_code != "OK" else None
        )
        self._record(method, "unary", [text], 1, responses, code, expected_code, expected,
                     started, details)

    def unknown_method(self, text: str) -> None:
        call = self.channel.unary_unary(
            f"/{SERVICE}/Nope",
            request_serializer=self.pb2.EchoRequest.SerializeToString,
            response_deserializer=self.pb2.EchoResponse.FromString,
        )
        self.unary(text, "UNIMPLEMENTED", method="Nope", call=call)

    def cancelled_unary(self, text: str, after: float) -> None:
        started = time.monotonic()
        future = self.stub.Get.future(self.request(text), timeout=self.call_timeout)
        time.sleep(after)
        future.cancel()
        responses: list[str] = []
        details = None
        try:
            responses.append(future.result().text)
            code = "OK"
        except grpc.FutureCancelledError:
            code = "CANCELLED"
        except grpc.RpcError as error:
            code = _code_name(error.code())
            details = error.details()
        self._record("Get", "unary", [text], 1, responses, code, "CANCELLED", [], started,
                     details)

    def collect(self, texts: list[str], expected_code: str, expected_response: str | None) -> None:
        started = time.monotonic()
        counting = _Counting(self.request(t) for t in texts)
        responses: list[str] = []
        details = None
        try:
            response = self.stub.Collect(iter(counting), timeout=self.call_timeout)
            responses.append(response.text)
            code = "OK"
        except grpc.RpcError as error:
            code = _code_name(error.code())
            details = error.details()
        expected = [expected_response] if expected_response is not None else []
        self._record("Collect", "client_stream", texts, counting.count, responses, code,
                     expected_code, expected, started, details)

    def _streaming_responses(self, call) -> tuple[list[str], str, str | None]:
        responses: list[str] = []
        try:
            for response in call:
                responses.append(response.text)
            return responses, "OK", None
        except grpc.RpcError as error:
            return responses, _code_name(error.code()), error.details()

    def expand(self, text: str, expected_code: str, expected_responses: list[str]) -> None:
        started = time.monotonic()
        call = self.stub.Expand(self.request(text), timeout=self.call_timeout)
        responses, code, details = self._streaming_responses(call)
        self._record("Expand", "server_stream", [text], 1, responses, code, expected_code,
                     expected_responses, started, details)

    def update(self, texts: list[str], expected_code: str, expected_responses: list[str]) -> None:
        started = time.monotonic()
        counting = _Counting(self.request(t) for t in texts)
        call = self.stub.Update(iter(counting), timeout=self.call_timeout)
        responses, code, details = self._streaming_responses(call)
        self._record("Update", "bidi_stream", texts, counting.count, responses, code,
                     expected_code, expected_responses, started, details)

    def run(self) -> None:
        for _ in range(3):
            self.unary("hello", "OK", "hello")
        for _ in range(2):
            self.unary("error:NOT_FOUND", "NOT_FOUND")
        self.unary("panic", "UNKNOWN")
        self.unknown_method("hello")
        self.collect(["a", "b", "c", "d"], "OK", "4")
        self.collect(["a", "error:INVALID_ARGUMENT"], "INVALID_ARGUMENT", None)
        self.expand("3", "OK", ["0", "1", "2"])
        self.expand("error:PERMISSION_DENIED", "PERMISSION_DENIED", [])
        self.update(["x", "y"], "OK", ["x", "y"])
        self.update(["x", "error:ABORTED"], "ABORTED", ["x"])
        self.unary("sleep:2000", "DEADLINE_EXCEEDED", timeout=0.3)
        self.cancelled_unary("sleep:2000", after=0.3)

    def summary(self, target: str) -> dict:
        by_method: dict[str, dict] = OrderedDict()
        codes: dict[str, int] = OrderedDict()
        for call in self.calls:
            key = f"{SERVICE}/{call['method']}"
            entry = by_method.setdefault(
                key,
                OrderedDict(grpc_type=call["grpc_type"], started=0, msg_sent=0, msg_received=0,
                            handled=OrderedDict()),
            )
            entry["started"] += 1
            entry["msg_sent"] += call["msg_sent"]
            entry["msg_received"] += call["msg_received"]
            entry["handled"][call["grpc_code"]] = entry["handled"].get(call["grpc_code"], 0) + 1
            codes[call["code"]] = codes.get(call["code"], 0) + 1
        return OrderedDict(
            target=target,
            calls=self.calls,
            by_method=by_method,
            codes=codes,
            total_calls=len(self.calls),
            as_expected=all(call["ok"] for call in self.calls),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="host:port, e.g. 127.0.0.1:50051")
    parser.add_argument("--gen-dir", default=None, help="generated stubs (default interop/gen)")
    parser.add_argument("--connect-timeout", type=float, default=10.0,
                        help="seconds to wait for the server to accept connections")
    parser.add_argument("--call-timeout", type=float, default=10.0,
                        help="deadline of every call that has no deadline of its own")
    parser.add_argument("--indent", type=int, default=2, help="JSON indent (0: one line)")
    args = parser.parse_args(argv)

    pb2, pb2_grpc = echo_stubs.load(args.gen_dir)
    with grpc.insecure_channel(args.target) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=args.connect_timeout)
        except grpc.FutureTimeoutError:
            print(f"cannot connect to {args.target} within {args.connect_timeout} s",
                  file=sys.stderr)
            return 2
        workload = Workload(channel, pb2, pb2_grpc, args.call_timeout)
        workload.run()
        summary = workload.summary(args.target)

    json.dump(summary, sys.stdout, indent=args.indent or None)
    sys.stdout.write("\n")
    return 0 if summary["as_expected"] else 1


if __name__ == "__main__":
    sys.exit(main())
