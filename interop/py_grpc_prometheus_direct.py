"""Drives py-grpc-prometheus's interceptors directly, without a network, for two purposes.

`bench`: times them the way Benchmarks/ times this project's interceptors. Each interceptor is
called with a trivial handler (server) or continuation (client), as go-grpc-prometheus's
`testing.B` benchmarks and this project's InterceptorHarness do, and every row has a baseline
without the interceptor, measured in the same run. Each sample runs OPS operations; the script
prints the best and the median sample per operation, in nanoseconds, as tab-separated
`name  best  median` lines for scripts/bench-table.py.

`exposition`: runs one OK call of three kinds (unary Get, server-streaming Expand, client-streaming
Collect) through the server and the client interceptor, every histogram on, and prints the
registry's exposition, which the Swift tests compare with this project's Python spelling.

Usage: .venv/bin/python interop/py_grpc_prometheus_direct.py bench [--samples N] [--ops N]
       .venv/bin/python interop/py_grpc_prometheus_direct.py exposition
Needs grpcio, prometheus-client and py-grpc-prometheus (interop/requirements.txt).
"""

import os

# Without this prometheus_client adds a `_created` series to every counter and histogram, which
# neither go-grpc-prometheus nor swift-prometheus has.
os.environ.setdefault("PROMETHEUS_DISABLE_CREATED_SERIES", "True")

import argparse
import statistics
import sys
import time

import grpc
from prometheus_client import CollectorRegistry, generate_latest
from py_grpc_prometheus.prometheus_client_interceptor import PromClientInterceptor
from py_grpc_prometheus.prometheus_server_interceptor import PromServerInterceptor

MESSAGES = 1000  # per streamed RPC; the per-message rows divide by this


class _State:
    client = None
    code = None


class ServicerContext:
    """What py-grpc-prometheus reads of grpcio's servicer context: `_state.client`, `_state.code`."""

    def __init__(self):
        self._state = _State()


class CallDetails(grpc.HandlerCallDetails, grpc.ClientCallDetails):
    def __init__(self, method):
        self.method = method
        self.invocation_metadata = ()
        self.timeout = None
        self.metadata = None
        self.credentials = None
        self.wait_for_ready = None
        self.compression = None


class FinishedCall:
    """A unary call that already succeeded, as the client continuation returns it."""

    def __init__(self, response):
        self._response = response

    def result(self, timeout=None):
        return self._response

    def code(self):
        return grpc.StatusCode.OK


def server_interceptor(histogram):
    return PromServerInterceptor(
        enable_handling_time_histogram=histogram, registry=CollectorRegistry()
    )


def server_unary(interceptor):
    handler = grpc.unary_unary_rpc_method_handler(lambda request, context: request)
    details = CallDetails("/echo.v1.Echo/Get")
    context = ServicerContext()
    if interceptor is None:
        return lambda: handler.unary_unary(b"hello", context)
    return lambda: interceptor.intercept_service(lambda _: handler, details).unary_unary(
        b"hello", context
    )


def server_send(interceptor):
    responses = [b"hello"] * MESSAGES
    handler = grpc.unary_stream_rpc_method_handler(lambda request, context: iter(responses))
    details = CallDetails("/echo.v1.Echo/Expand")
    context = ServicerContext()

    def run(behavior):
        for _ in behavior(b"hello", context):
            pass

    if interceptor is None:
        return lambda: run(handler.unary_stream)
    return lambda: run(interceptor.intercept_service(lambda _: handler, details).unary_stream)


def server_receive(interceptor):
    requests = [b"hello"] * MESSAGES

    def collect(request_iterator, context):
        for _ in request_iterator:
            pass
        return b"done"

    handler = grpc.stream_unary_rpc_method_handler(collect)
    details = CallDetails("/echo.v1.Echo/Collect")
    context = ServicerContext()
    if interceptor is None:
        return lambda: handler.stream_unary(iter(requests), context)
    return lambda: interceptor.intercept_service(lambda _: handler, details).stream_unary(
        iter(requests), context
    )


def client_unary(interceptor):
    details = CallDetails("/echo.v1.Echo/Get")

    def continuation(call_details, request):
        return FinishedCall(request)

    if interceptor is None:
        return lambda: continuation(details, b"hello").result()
    return lambda: interceptor.intercept_unary_unary(continuation, details, b"hello").result()


def measure(operation, samples, ops, per):
    operation()  # warm up: creates the labelled children
    times = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        for _ in range(ops):
            operation()
        times.append((time.perf_counter_ns() - start) / (ops * per))
    return min(times), statistics.median(times)


def client_server_streaming(interceptor):
    details = CallDetails("/echo.v1.Echo/Expand")
    return lambda: list(
        interceptor.intercept_unary_stream(lambda _, request: iter([request] * 2), details, b"2")
    )


def client_client_streaming(interceptor):
    details = CallDetails("/echo.v1.Echo/Collect")

    def continuation(call_details, request_iterator):
        return FinishedCall(b"%d" % len(list(request_iterator)))

    return lambda: interceptor.intercept_stream_unary(
        continuation, details, iter([b"a", b"b"])
    ).result()


def exposition():
    registry = CollectorRegistry()
    server = PromServerInterceptor(enable_handling_time_histogram=True, registry=registry)
    client = PromClientInterceptor(
        enable_client_handling_time_histogram=True,
        enable_client_stream_receive_time_histogram=True,
        enable_client_stream_send_time_histogram=True,
        registry=registry,
    )
    for call in (
        server_unary(server),
        server_send(server),
        server_receive(server),
        client_unary(client),
        client_server_streaming(client),
        client_client_streaming(client),
    ):
        call()
    sys.stdout.write(generate_latest(registry).decode())


def bench(samples, ops):
    rows = [
        ("server unary: baseline", server_unary(None), 1),
        ("server unary: counters", server_unary(server_interceptor(False)), 1),
        ("server unary: histogram", server_unary(server_interceptor(True)), 1),
        ("client unary: baseline", client_unary(None), 1),
        ("client unary: counters", client_unary(PromClientInterceptor(registry=CollectorRegistry())), 1),
        (
            "client unary: histogram",
            client_unary(
                PromClientInterceptor(
                    enable_client_handling_time_histogram=True, registry=CollectorRegistry()
                )
            ),
            1,
        ),
        ("server send per message: baseline", server_send(None), MESSAGES),
        ("server send per message: counters", server_send(server_interceptor(False)), MESSAGES),
        ("server receive per message: baseline", server_receive(None), MESSAGES),
        (
            "server receive per message: counters",
            server_receive(server_interceptor(False)),
            MESSAGES,
        ),
    ]
    for name, operation, per in rows:
        # Streamed rows run MESSAGES messages per operation: fewer operations per sample.
        best, median = measure(operation, samples, ops if per == 1 else max(1, ops // 100), per)
        print(f"{name}\t{best:.1f}\t{median:.1f}")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["bench", "exposition"])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--ops", type=int, default=2000)
    args = parser.parse_args()
    if args.mode == "bench":
        bench(args.samples, args.ops)
    else:
        exposition()


if __name__ == "__main__":
    main()
