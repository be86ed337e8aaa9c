#!/usr/bin/env python3
"""A grpcio implementation of echo.v1.Echo with the demo service's semantics.

It mirrors Sources/EchoService/EchoService.swift, so the Swift client side (and
its client metrics) can be checked against a server that is not grpc-swift:

- every request message may carry a special text:
    "error:<CODE_NAME>"  fail the RPC with that code (e.g. "error:NOT_FOUND");
                         an unknown name fails with INVALID_ARGUMENT
    "sleep:<ms>"         sleep that long first, waking early (and failing with
                         CANCELLED) if the RPC is cancelled or its deadline passes
    "panic"              raise an exception that is not a gRPC status: the
                         client sees UNKNOWN
- Get echoes the text; Collect answers the number of messages received, as
  text; Expand with text N answers N messages "0" .. "N-1" (INVALID_ARGUMENT if
  the text is not a count); Update echoes every message.

Usage: echo_server.py [--host 127.0.0.1] [--port 0] [--gen-dir interop/gen]
Prints "LISTENING <port>" on stdout once serving (with --port 0 the port is the
one the OS chose) and stops on SIGTERM or SIGINT.

Standard library and grpcio only (plus the stubs interop/gen.sh generates).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

import echo_stubs

# How often a sleeping handler checks whether its RPC is still active.
_POLL_SECONDS = 0.02


class EchoPanic(Exception):
    """Raised for the "panic" text: deliberately not a gRPC status."""


def _status_code(name: str) -> grpc.StatusCode | None:
    code = grpc.StatusCode.__members__.get(name)
    return code if code is not None and code is not grpc.StatusCode.OK else None


class _Terminated:
    """Becomes set when the RPC ends (completed, cancelled or past its deadline)."""

    def __init__(self, context: grpc.ServicerContext) -> None:
        self._event = threading.Event()
        if not context.add_callback(self._event.set):
            self._event.set()  # The RPC has already terminated.

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)


def _sleep(milliseconds: int, context: grpc.ServicerContext, terminated: _Terminated) -> None:
    end = time.monotonic() + max(milliseconds, 0) / 1000.0
    while True:
        if not context.is_active():
            break
        left = end - time.monotonic()
        if left <= 0:
            return
        if terminated.wait(min(left, _POLL_SECONDS)):
            break
    # Cancelled or past the deadline: the client no longer listens, but end the
    # handler the way the Swift service does.
    context.abort(grpc.StatusCode.CANCELLED, "The RPC was cancelled while sleeping.")


def _perform(text: str, context: grpc.ServicerContext, terminated: _Terminated) -> None:
    """Acts on a special text; returns normally for any other text."""
    if text == "panic":
        raise EchoPanic("panic requested")
    if text.startswith("error:"):
        name = text[len("error:"):]
        code = _status_code(name)
        if code is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"Unknown status code name '{name}'.")
        context.abort(code, f"Requested {name}.")
    if text.startswith("sleep:"):
        try:
            milliseconds = int(text[len("sleep:"):])
        except ValueError:
            return
        _sleep(milliseconds, context, terminated)


def make_servicer(pb2, pb2_grpc):
    class EchoServicer(pb2_grpc.EchoServicer):
        def Get(self, request, context):
            terminated = _Terminated(context)
            _perform(request.text, context, terminated)
            return pb2.EchoResponse(text=request.text)

        def Collect(self, request_iterator, context):
            terminated = _Terminated(context)
            count = 0
            for message in request_iterator:
                _perform(message.text, context, terminated)
                count += 1
            return pb2.EchoResponse(text=str(count))

        def Expand(self, request, context):
            terminated = _Terminated(context)
            text = request.text
            _perform(text, context, terminated)
            try:
                count = int(text)
            except ValueError:
                count = -1
            if count < 0:
                context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT, f"Expand takes a count, got '{text}'."
                )
            for index in range(count):
                yield pb2.EchoResponse(text=str(index))

        def Update(self, request_iterator, context):
            terminated = _Terminated(context)
            for message in request_iterator:
                _perform(message.text, context, terminated)
                yield pb2.EchoResponse(text=message.text)

    return EchoServicer()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--gen-dir", default=None, help="generated stubs (default interop/gen)")
    parser.add_argument("--workers", type=int, default=16, help="handler threads")
    parser.add_argument(
        "--verbose", action="store_true", help="log handler exceptions (e.g. for 'panic')"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    if not args.verbose:
        # grpcio logs a traceback for every "panic"; that is the expected path here.
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)

    pb2, pb2_grpc = echo_stubs.load(args.gen_dir)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
    pb2_grpc.add_EchoServicer_to_server(make_servicer(pb2, pb2_grpc), server)
    address = f"[{args.host}]" if ":" in args.host else args.host
    port = server.add_insecure_port(f"{address}:{args.port}")
    if port == 0:
        print(f"could not bind {args.host}:{args.port}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    server.start()
    print(f"LISTENING {port}", flush=True)
    # Lock waits are interruptible by signals on POSIX, so this returns promptly.
    stop.wait()
    server.stop(grace=1.0).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
