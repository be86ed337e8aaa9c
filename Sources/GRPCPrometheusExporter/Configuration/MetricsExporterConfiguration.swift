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
  /// More paths that serve the same exposition, e.g. to keep an old scrape configuration
  /// working during a move. Default: none.
  public var additionalPaths: [String]
  /// TLS and basic authentication, from code or an exporter-toolkit web configuration file.
  /// Default: plain HTTP, no authentication.
  public var web: MetricsWebConfiguration
  /// Bounds on concurrency, connections, request sizes and timeouts. Default: see
  /// ``MetricsExporterLimits``.
  public var limits: MetricsExporterLimits
  /// Whether to gzip the exposition for clients that send `Accept-Encoding: gzip`, as
  /// Prometheus does (text expositions shrink about tenfold). Default: `true`.
  public var compressesResponses: Bool
  /// Whether to serve promhttp's own metrics, `promhttp_metric_handler_requests_total{code}` and
  /// `promhttp_metric_handler_requests_in_flight`, so that failing or throttled scrapes show up
  /// in Prometheus as they do for Go exporters. Default: `true`.
  public var servesHandlerMetrics: Bool

  /// A configuration with the documented defaults, overridable per argument.
  public init(
    host: String = "0.0.0.0",
    port: Int = 9464,
    path: String = "/metrics",
    additionalPaths: [String] = [],
    web: MetricsWebConfiguration = MetricsWebConfiguration(),
    limits: MetricsExporterLimits = MetricsExporterLimits(),
    compressesResponses: Bool = true,
    servesHandlerMetrics: Bool = true
  ) {
    self.host = host
    self.port = port
    self.path = path
    self.additionalPaths = additionalPaths
    self.web = web
    self.limits = limits
    self.compressesResponses = compressesResponses
    self.servesHandlerMetrics = servesHandlerMetrics
  }
}
