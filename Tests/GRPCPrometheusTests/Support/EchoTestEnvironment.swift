import EchoService
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPrometheus
import GRPCPrometheusExporter
import NIOCore
import NIOPosix
import Prometheus
import Testing

/// A real Echo server on 127.0.0.1 over HTTP/2 with the metrics interceptor, its `/metrics`
/// endpoint, and a generated client connected to it.
struct EchoTestEnvironment: Sendable {
  let client: Echo_V1_Echo.Client<HTTP2ClientTransport.Posix>
  let grpcClient: GRPCClient<HTTP2ClientTransport.Posix>
  let registry: PrometheusCollectorRegistry
  let grpcPort: Int
  let metricsPort: Int

  /// Scrapes `/metrics` over HTTP.
  func scrape() async throws -> Exposition {
    try await HTTPTestClient.scrape(port: self.metricsPort)
  }

  /// Scrapes until `condition` holds, for outcomes the server records after the client has moved
  /// on (cancellation, deadlines). Fails after `timeout`.
  func scrape(
    until condition: @escaping @Sendable (Exposition) -> Bool,
    timeout: Duration = .seconds(10)
  ) async throws -> Exposition {
    let deadline = ContinuousClock.now + timeout
    while true {
      let exposition = try await self.scrape()
      if condition(exposition) {
        return exposition
      }
      if ContinuousClock.now > deadline {
        Issue.record("condition not met within \(timeout); last scrape:\n\(exposition)")
        return exposition
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Starts the server, the exporter and a client; tears all down when `body` returns.
  static func run(
    options: ServerMetricsOptions = Self.defaultOptions,
    clientInterceptors: [any ClientInterceptor] = [],
    serviceConfig: ServiceConfig = ServiceConfig(),
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    _ body: @Sendable (EchoTestEnvironment) async throws -> Void
  ) async throws {
    let echo = EchoService()
    let interceptor = try ServerMetricsInterceptor(
      registry: registry,
      services: [echo],
      options: options
    )
    let exporter = MetricsExporter(
      sources: [registry, ProcessMetricsCollector()],
      configuration: MetricsExporterConfiguration(host: "127.0.0.1", port: 0)
    )
    let serverTransport = HTTP2ServerTransport.Posix(
      address: .ipv4(host: "127.0.0.1", port: 0),
      transportSecurity: .plaintext
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await exporter.run() }
      try await withGRPCServer(
        transport: serverTransport,
        services: [echo],
        interceptors: [interceptor]
      ) { server in
        guard let port = try await server.listeningAddress?.ipv4?.port else {
          Issue.record("the server has no IPv4 listening address")
          return
        }
        let metricsPort = try await exporter.listeningPort
        let clientTransport = try HTTP2ClientTransport.Posix(
          target: .ipv4(address: "127.0.0.1", port: port),
          transportSecurity: .plaintext,
          serviceConfig: serviceConfig
        )
        try await withGRPCClient(transport: clientTransport, interceptors: clientInterceptors) {
          client in
          try await body(
            EchoTestEnvironment(
              client: Echo_V1_Echo.Client(wrapping: client),
              grpcClient: client,
              registry: registry,
              grpcPort: port,
              metricsPort: metricsPort
            )
          )
        }
      }
      group.cancelAll()
    }
  }

  /// A TCP port on 127.0.0.1 that nothing listens on (it was free when asked).
  static func freePort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress!.port!
    try await channel.close()
    return port
  }

  static var defaultOptions: ServerMetricsOptions {
    var options = ServerMetricsOptions()
    options.handlingTimeHistogram = .grpcDefault
    return options
  }
}

/// Labels of one Echo method in the server families.
func echoLabels(_ method: String, _ extra: [String: String] = [:]) -> [String: String] {
  let types = [
    "Get": "unary", "Collect": "client_stream", "Expand": "server_stream", "Update": "bidi_stream",
  ]
  var labels = ["grpc_service": "echo.v1.Echo", "grpc_method": method, "grpc_type": types[method]!]
  labels.merge(extra) { $1 }
  return labels
}

/// Every gRPC code in Go spelling.
let goCodeNames = [
  "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
  "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
  "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
]

extension Echo_V1_EchoRequest {
  init(_ text: String) {
    self.init()
    self.text = text
  }
}
