import EchoService
import GRPCCore
import GRPCPrometheus
import Prometheus
import Testing

/// With Python spelling and prometheus_client's buckets, the families must be the ones
/// py-grpc-prometheus itself exports: the library runs here
/// (`interop/py_grpc_prometheus_direct.py exposition`) and every series it writes must exist in
/// ours with the same type and the same labels, `le` included.
@Suite("py-grpc-prometheus's own families")
struct PyGRPCPrometheusFamiliesTests {
  /// The calls the Python side makes: one OK unary, server-streaming and client-streaming call
  /// through both interceptors, every histogram on.
  static func swiftExposition() async throws -> Exposition {
    let registry = PrometheusCollectorRegistry()
    var serverOptions = ServerMetricsOptions()
    serverOptions.labelSpelling = .python
    serverOptions.handlingTimeHistogram = .pythonDefault
    var clientOptions = ClientMetricsOptions()
    clientOptions.labelSpelling = .python
    clientOptions.handlingTimeHistogram = .pythonDefault
    clientOptions.messageReceiveTimeHistogram = .pythonDefault
    clientOptions.messageSendTimeHistogram = .pythonDefault
    let server = try ServerMetricsInterceptor(
      registry: registry,
      services: [EchoService()],
      options: serverOptions
    )
    let client = try ClientMetricsInterceptor(
      registry: registry,
      methods: Echo_V1_Echo.Method.descriptors,
      options: clientOptions
    )
    try await withInProcessEcho(serverInterceptors: [server], clientInterceptors: [client]) {
      let echo = Echo_V1_Echo.Client(wrapping: $0)
      _ = try await echo.get(Echo_V1_EchoRequest("hello"))
      try await echo.expand(Echo_V1_EchoRequest("2")) { response in
        for try await _ in response.messages {}
      }
      _ = try await echo.collect { writer in
        try await writer.write(Echo_V1_EchoRequest("a"))
        try await writer.write(Echo_V1_EchoRequest("b"))
      }
    }
    return try Exposition(registry.emitToString())
  }

  static func pythonExposition() async throws -> Exposition {
    let python = try ChildProcess(
      ChildProcess.python,
      ["interop/py_grpc_prometheus_direct.py", "exposition"]
    )
    let status = try await python.waitForExit(timeout: .seconds(60))
    try #require(status == 0, "\(python.standardError)")
    return try Exposition(python.standardOutput)
  }

  /// py-grpc-prometheus words three client HELP texts differently from go-grpc-prometheus ("on the
  /// client" for "by the client", a missing full stop, "untilit"); ours keep Go's, byte for byte.
  /// HELP never changes a query.
  static let familiesWithOtherHelp: Set<String> = [
    "grpc_client_handled_total", "grpc_client_started_total", "grpc_client_handling_seconds",
  ]

  @Test("Every series py-grpc-prometheus writes exists in ours, with its type, labels and HELP")
  func everyPythonSeriesHasASwiftTwin() async throws {
    let python = try await Self.pythonExposition()
    let swift = try await Self.swiftExposition()

    let pythonSeries = python.samples.filter { !$0.name.hasSuffix("_sum") }
    #expect(pythonSeries.count > 100, "the Python side wrote too little:\n\(python.text)")
    for sample in pythonSeries {
      #expect(
        swift.samples.contains { $0.name == sample.name && $0.labels == sample.labels },
        "py-grpc-prometheus writes \(sample.name)\(sample.labels), we do not"
      )
    }
    let families = Set(pythonSeries.map { python.family(of: $0.name) })
    #expect(families.count == 12, "\(families.sorted())")
    for family in families {
      #expect(swift.type[family] == python.type[family], "TYPE of \(family)")
      if Self.familiesWithOtherHelp.contains(family) {
        #expect(swift.help[family] != python.help[family], "HELP of \(family) now agrees")
      } else {
        #expect(swift.help[family] == python.help[family], "HELP of \(family)")
      }
    }
  }
}
