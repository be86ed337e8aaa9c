import Benchmark
import EchoFixture
import GRPCCore
import GRPCInProcessTransport
import GRPCPrometheus
import InterceptorHarness
import Prometheus
import SwiftProtobuf

// Unary Echo RPCs end to end through grpc-swift with the in-process transport: the generated
// client, client interceptors, the transport, the server's executor, server interceptors, the
// Echo handler and protobuf coding. The rows differ only in the interceptors, so their ratio is
// what the metrics cost a real (if very fast) RPC.

/// The interceptors of one row, on both sides.
enum Setup: String, CaseIterable {
  /// No interceptors.
  case baseline
  /// Interceptors that only call `next`: what grpc-swift's interceptor pipeline costs by itself.
  case passThrough = "pass-through"
  /// go-grpc-prometheus's defaults on both sides: counters only.
  case counters
  /// Every family: handling-time histograms, the client's message histograms, the API-server and
  /// runner families.
  case all

  func interceptors() throws -> (server: [any ServerInterceptor], client: [any ClientInterceptor]) {
    guard self != .baseline else { return ([], []) }
    guard self != .passThrough else {
      return ([ReferenceServerInterceptor(.passThrough)], [PassThroughClientInterceptor()])
    }
    var server = ServerMetricsOptions()
    var client = ClientMetricsOptions()
    if self == .all {
      server.handlingTimeHistogram = .grpcDefault
      server.apiServerMetrics = APIServerMetricsOptions(serviceName: "echo", serviceVersion: "1")
      client.handlingTimeHistogram = .grpcDefault
      client.messageReceiveTimeHistogram = .grpcDefault
      client.messageSendTimeHistogram = .grpcDefault
      client.runnerMetrics = RunnerMetricsOptions(
        runnerName: "echo",
        serviceName: "gateway",
        serviceVersion: "1"
      )
    }
    let registry = PrometheusCollectorRegistry()
    return (
      [
        try ServerMetricsInterceptor(registry: registry, services: [EchoService()], options: server)
      ],
      [
        try ClientMetricsInterceptor(
          registry: registry,
          methods: Echo_V1_Echo.Method.descriptors,
          options: client
        )
      ]
    )
  }
}

let request = Echo_V1_EchoRequest.with { $0.text = "hello" }

let benchmarks: @Sendable () -> Void = {
  let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal],
    timeUnits: .microseconds,
    warmupIterations: 3,
    scalingFactor: .kilo,
    maxDuration: .seconds(4),
    maxIterations: 10_000
  )

  for setup in Setup.allCases {
    let (serverInterceptors, clientInterceptors) = try! setup.interceptors()
    Benchmark("in-process unary: \(setup.rawValue)", configuration: configuration) { benchmark in
      let transport = InProcessTransport()
      try await withGRPCServer(
        transport: transport.server,
        services: [EchoService()],
        interceptors: serverInterceptors
      ) { server in
        try await withGRPCClient(transport: transport.client, interceptors: clientInterceptors) {
          client in
          let echo = Echo_V1_Echo.Client(wrapping: client)
          blackHole(try await echo.get(request))
          benchmark.startMeasurement()
          for _ in benchmark.scaledIterations {
            blackHole(try await echo.get(request))
          }
          benchmark.stopMeasurement()
        }
        server.beginGracefulShutdown()
      }
    }
  }
}
