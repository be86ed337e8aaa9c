import GRPCPrometheusExporter
import Logging
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import Testing

@Suite("Metrics exporter")
struct MetricsExporterTests {
  /// Runs an exporter on a free port of 127.0.0.1 for the duration of `body`.
  static func withExporter(
    registry: PrometheusCollectorRegistry,
    _ body: @Sendable (Int) async throws -> Void
  ) async throws {
    let exporter = MetricsExporter(
      registry: registry,
      configuration: MetricsExporterConfiguration(host: "127.0.0.1", port: 0)
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await exporter.run() }
      try await body(try await exporter.listeningPort)
      group.cancelAll()
    }
  }

  static func registryWithOneCounter() -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    registry.makeCounter(
      descriptor: MetricNameDescriptor(metricName: "demo_total", unitName: "", helpText: "A demo.")
    ).increment(by: Int64(3))
    return registry
  }

  @Test("GET on the metrics path serves text format 0.0.4")
  func getServesExposition() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port)
      #expect(response.status == .ok)
      #expect(response.headers["Content-Type"] == ["text/plain; version=0.0.4; charset=utf-8"])
      #expect(
        response.body == "# HELP demo_total A demo.\n# TYPE demo_total counter\ndemo_total 3\n"
      )
      #expect(response.headers["Content-Length"] == [String(response.body.utf8.count)])
    }
  }

  @Test("A query string does not change the path")
  func queryStringIsIgnored() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, path: "/metrics?x=1")
      #expect(response.status == .ok)
    }
  }

  @Test("HEAD answers GET's headers without a body")
  func headHasNoBody() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, method: .HEAD)
      #expect(response.status == .ok)
      #expect(response.body.isEmpty)
      #expect(response.headers["Content-Length"] == ["65"])
    }
  }

  @Test("Other paths answer 404", arguments: ["/", "/metricsx", "/favicon.ico"])
  func otherPathsAreNotFound(path: String) async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, path: path)
      #expect(response.status == .notFound)
    }
  }

  @Test("Other methods answer 405 with Allow", arguments: [HTTPMethod.POST, .PUT, .DELETE])
  func otherMethodsAreNotAllowed(method: HTTPMethod) async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, method: method)
      #expect(response.status == .methodNotAllowed)
      #expect(response.headers["Allow"] == ["GET, HEAD"])
    }
  }

  @Test("Graceful shutdown stops the exporter")
  func gracefulShutdownReturns() async throws {
    let exporter = MetricsExporter(
      registry: Self.registryWithOneCounter(),
      configuration: MetricsExporterConfiguration(host: "127.0.0.1", port: 0)
    )
    let group = ServiceGroup(services: [exporter], logger: .init(label: "test"))
    try await withTimeout(.seconds(10)) {
      try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await exporter.listeningPort
        #expect(try await HTTPTestClient.request(port: port).status == .ok)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
      }
    }
  }
}
