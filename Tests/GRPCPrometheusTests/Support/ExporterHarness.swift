import GRPCPrometheusExporter
import Logging

/// Runs a ``MetricsExporter`` on a free port of 127.0.0.1 for the duration of a test body.
enum ExporterHarness {
  /// A configuration on 127.0.0.1 with a free port and otherwise the defaults.
  static let localDefaults = MetricsExporterConfiguration(host: "127.0.0.1", port: 0)

  /// A configuration on 127.0.0.1 with a free port, adjusted by `adjust`.
  static func local(
    _ adjust: (inout MetricsExporterConfiguration) throws -> Void
  ) rethrows -> MetricsExporterConfiguration {
    var configuration = Self.localDefaults
    try adjust(&configuration)
    return configuration
  }

  static func run(
    sources: [any MetricsSource],
    configuration: MetricsExporterConfiguration = Self.localDefaults,
    timeout: Duration = .seconds(60),
    _ body: @escaping @Sendable (Int) async throws -> Void
  ) async throws {
    let exporter = MetricsExporter(
      sources: sources,
      configuration: configuration,
      logger: Logger(label: "test.exporter")
    )
    try await withTimeout(timeout) {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await exporter.run() }
        try await body(try await exporter.listeningPort)
        group.cancelAll()
      }
    }
  }
}
