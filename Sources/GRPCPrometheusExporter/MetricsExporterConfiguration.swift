/// Where and how ``MetricsExporter`` serves metrics.
public struct MetricsExporterConfiguration: Sendable, Hashable {
  /// The address to listen on. Default: `0.0.0.0` (every interface), as `promhttp` and
  /// `prometheus_client.start_http_server` do; use `127.0.0.1` to keep metrics local.
  public var host: String
  /// The TCP port; `0` picks a free one (read it from ``MetricsExporter/listeningPort``).
  /// Default: `9464`.
  public var port: Int
  /// The path that serves the exposition; every other path answers 404. Default: `/metrics`.
  public var path: String

  /// A configuration with the documented defaults, overridable per argument.
  public init(host: String = "0.0.0.0", port: Int = 9464, path: String = "/metrics") {
    self.host = host
    self.port = port
    self.path = path
  }
}
