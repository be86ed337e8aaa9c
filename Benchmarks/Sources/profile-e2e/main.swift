import Dispatch
import EchoFixture
import GRPCCore
import GRPCInProcessTransport
import GRPCPrometheus
import InterceptorHarness
import Prometheus
import SwiftProtobuf

// Unary Echo RPCs over the in-process transport, outside the benchmark tool, for a profiler:
//
//   profile-e2e none|server|client|both|pass-through [RPCs]

let arguments = Array(CommandLine.arguments.dropFirst())
let setup = arguments.first ?? "both"
let iterations = arguments.count > 1 ? Int(arguments[1])! : 20_000

let registry = PrometheusCollectorRegistry()
var serverInterceptors: [any ServerInterceptor] = []
var clientInterceptors: [any ClientInterceptor] = []
if setup == "server" || setup == "both" {
  serverInterceptors = [try Families.counters.serverInterceptor()]
}
if setup == "client" || setup == "both" {
  clientInterceptors = [try Families.counters.clientInterceptor()]
}
if setup == "pass-through" {
  serverInterceptors = [ReferenceServerInterceptor(.passThrough)]
  clientInterceptors = [PassThroughClientInterceptor()]
}
let servers = serverInterceptors
let clients = clientInterceptors

let done = DispatchSemaphore(value: 0)
Task.detached {
  let transport = InProcessTransport()
  try await withGRPCServer(
    transport: transport.server,
    services: [EchoService()],
    interceptors: servers
  ) { server in
    try await withGRPCClient(transport: transport.client, interceptors: clients) { client in
      let echo = Echo_V1_Echo.Client(wrapping: client)
      let request = Echo_V1_EchoRequest.with { $0.text = "hello" }
      for _ in 0 ..< 1_000 {
        sink(try await echo.get(request))
      }
      let start = ContinuousClock.now
      for _ in 0 ..< iterations {
        sink(try await echo.get(request))
      }
      let elapsed = start.duration(to: .now)
      print("\(setup): \(iterations) RPCs in \(elapsed): \(elapsed / iterations) per RPC")
    }
    server.beginGracefulShutdown()
  }
  done.signal()
}
done.wait()
