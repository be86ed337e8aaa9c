public import Prometheus

/// Something that writes metric families in the Prometheus text format (version 0.0.4) at scrape
/// time: a `PrometheusCollectorRegistry`, ``ProcessMetricsCollector``, or your own type.
///
/// ``MetricsExporter`` serves several sources from one endpoint by asking each in turn and
/// concatenating what they write. Every family must come from exactly one source: a scrape that
/// finds the same family name in the `# TYPE` lines of two sources fails with `500 Internal Server
/// Error` naming the family and both sources (the exposition would otherwise be invalid), as
/// promhttp's `Gatherers` does. A source should therefore write a `# TYPE` line for each family,
/// as swift-prometheus does.
public protocol MetricsSource: Sendable {
  /// Appends this source's families to `buffer`, each line ending in `\n`.
  ///
  /// Called once per scrape, possibly for several scrapes at once. It may suspend (to read a
  /// value from elsewhere), and a thrown error fails the scrape with `500`.
  func emit(into buffer: inout [UInt8]) async throws
}

/// The registry's own `emit(into:)` is the requirement: pass a registry as a source as it is.
extension PrometheusCollectorRegistry: MetricsSource {}
