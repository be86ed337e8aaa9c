/// What ``ServerMetricsInterceptor`` records and how it names it.
///
/// The defaults match go-grpc-prometheus: Go label spelling, no prefix, no histogram, series
/// pre-initialised for every known method.
public struct ServerMetricsOptions: Sendable {
  /// Prepended to every family name with `_` (`myapp` → `myapp_grpc_server_started_total`).
  /// Default: none.
  public var namespace: String?
  /// Placed between the namespace and the family name. Default: none.
  public var subsystem: String?
  /// Labels added to every series, e.g. `["region": "eu-1"]`. Default: none.
  public var constantLabels: [String: String]
  /// Spelling of `grpc_type` and `grpc_code` values. Default: ``LabelSpelling/go``.
  public var labelSpelling: LabelSpelling
  /// Buckets of `grpc_server_handling_seconds`; `nil` leaves the histogram out, as
  /// go-grpc-prometheus does until `EnableHandlingTimeHistogram()`. Default: `nil`.
  public var handlingTimeHistogram: HistogramBuckets?
  /// Create every series of every known method at zero before the first RPC. Default: `true`.
  public var preinitializesSeries: Bool
  /// Use py-grpc-prometheus's legacy names: label `code` instead of `grpc_code`, and the histogram
  /// `grpc_server_handled_latency_seconds`. Default: `false`.
  public var usesLegacyNames: Bool

  /// Record the go-grpc-prometheus `grpc_server_*` families. Turn off to record only the API
  /// families. Default: `true`.
  public var recordsGRPCFamilies: Bool
  /// Also record BentoML-shaped API-server families; `nil` leaves them out. Default: `nil`.
  public var apiServerMetrics: APIServerMetricsOptions?

  /// Options with the documented defaults.
  public init() {
    self.recordsGRPCFamilies = true
    self.apiServerMetrics = nil
    self.namespace = nil
    self.subsystem = nil
    self.constantLabels = [:]
    self.labelSpelling = .go
    self.handlingTimeHistogram = nil
    self.preinitializesSeries = true
    self.usesLegacyNames = false
  }

  var naming: MetricNaming {
    MetricNaming(
      namespace: self.namespace,
      subsystem: self.subsystem,
      constantLabels: self.constantLabels,
      labelSpelling: self.labelSpelling
    )
  }
}
