import ArgumentParser
import EchoService
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPrometheus
import GRPCPrometheusExporter
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `serve`: the Echo service over HTTP/2 with the metrics interceptor and `/metrics`.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the Echo service with gRPC metrics on /metrics (the default command)."
  )

  @Option(help: "The address the gRPC server and the metrics endpoint listen on.")
  var host = "127.0.0.1"

  @Option(help: "The gRPC port.")
  var port = 50051

  @Option(help: "The port of the /metrics endpoint.")
  var metricsPort = 9464

  @Flag(help: "Serve the same service with no interceptors and no /metrics, to measure overhead.")
  var noMetrics = false

  @Flag(help: "Also run a gentle background load against this server, so /metrics moves.")
  var selfLoad = false

  @OptionGroup(title: "Securing /metrics")
  var metricsEndpoint: MetricsEndpointOptions

  func run() async throws {
    var logger = Logger(label: "grpc-prometheus-demo")
    logger.logLevel = .info
    let transport = HTTP2ServerTransport.Posix(
      address: .ipv4(host: self.host, port: self.port),
      transportSecurity: .plaintext
    )
    let echo = EchoService()
    var services: [any Service] = []

    if self.noMetrics {
      let server = GRPCServer(transport: transport, services: [echo])
      services.append(GRPCServerService(server: server))
      logger.info("Serving Echo without metrics", metadata: ["grpc": "\(self.host):\(self.port)"])
    } else {
      let registry = PrometheusCollectorRegistry()
      var options = ServerMetricsOptions()
      options.handlingTimeHistogram = .grpcDefault
      options.apiServerMetrics = APIServerMetricsOptions(
        serviceName: "echo",
        serviceVersion: DemoCommand.version
      )
      let interceptor = try ServerMetricsInterceptor(
        registry: registry,
        services: [echo],
        options: options
      )
      let server = GRPCServer(transport: transport, services: [echo], interceptors: [interceptor])
      services.append(GRPCServerService(server: server))
      let exporterConfiguration = try self.metricsEndpoint.exporterConfiguration(
        host: self.host,
        port: self.metricsPort
      )
      services.append(
        MetricsExporter(
          sources: [registry, ProcessMetricsCollector()],
          configuration: exporterConfiguration,
          logger: logger
        )
      )
      let scheme = exporterConfiguration.web.tls == nil ? "http" : "https"
      if self.selfLoad {
        services.append(SelfLoadService(host: self.host, port: self.port, registry: registry))
      }
      logger.info(
        "Serving Echo with metrics",
        metadata: [
          "grpc": "\(self.host):\(self.port)",
          "metrics": "\(scheme)://\(self.host):\(self.metricsPort)/metrics",
        ]
      )
    }

    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
      )
    )
    try await group.run()
  }
}
