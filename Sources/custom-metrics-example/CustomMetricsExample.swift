import ArgumentParser
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPrometheus
import GRPCPrometheusExporter
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// An app with its own metrics in the same registry as the gRPC ones, served on one `/metrics`.
///
/// ```
/// swift run custom-metrics-example &
/// curl -s localhost:9466/metrics | grep -E 'inference_duration|polarity_total|analysis_requests'
/// ```
@main
struct CustomMetricsExample: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "custom-metrics-example",
    abstract: "Echo.Get as a toy sentiment analyser that records custom metrics."
  )

  @Option(help: "The gRPC port.")
  var port = 50052

  @Option(help: "The port of the /metrics endpoint.")
  var metricsPort = 9466

  func run() async throws {
    let logger = Logger(label: "custom-metrics-example")
    let registry = PrometheusCollectorRegistry()
    let service = try SentimentService(
      registry: registry,
      metricsFactory: PrometheusMetricsFactory(registry: registry)
    )
    var options = ServerMetricsOptions()
    options.apiServerMetrics = APIServerMetricsOptions(
      serviceName: "sentiment_analyzer",
      serviceVersion: "1.0.0"
    )
    let server = GRPCServer(
      transport: HTTP2ServerTransport.Posix(
        address: .ipv4(host: "127.0.0.1", port: self.port),
        transportSecurity: .plaintext
      ),
      services: [service],
      interceptors: [
        try ServerMetricsInterceptor(registry: registry, services: [service], options: options)
      ]
    )
    let exporter = MetricsExporter(
      registry: registry,
      configuration: MetricsExporterConfiguration(host: "127.0.0.1", port: self.metricsPort),
      logger: logger
    )
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [
          .init(service: GRPCServerRunner(server: server)),
          .init(service: exporter),
        ],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
      )
    )
    try await group.run()
  }
}

/// Runs a `GRPCServer` inside a `ServiceGroup`.
struct GRPCServerRunner<Transport: ServerTransport>: Service {
  let server: GRPCServer<Transport>

  func run() async throws {
    try await withGracefulShutdownHandler {
      try await self.server.serve()
    } onGracefulShutdown: {
      self.server.beginGracefulShutdown()
    }
  }
}
