/// What ``ClientMetricsInterceptor`` records and how it names it.
///
/// The defaults match go-grpc-prometheus: Go label spelling, no prefix, no histograms, series
/// pre-initialised for every method the interceptor was given.
public struct ClientMetricsOptions: Sendable {
  /// Prepended to every family name with `_`. Default: none.
  public var namespace: String?
  /// Placed between the namespace and the family name. Default: none.
  public var subsystem: String?
  /// Labels added to every series. Default: none.
  public var constantLabels: [String: String]
  /// Spelling of `grpc_type` and `grpc_code` values. Default: ``LabelSpelling/go``.
  public var labelSpelling: LabelSpelling
  /// Buckets of `grpc_client_handling_seconds` (whole call, until the application finished with
  /// the response); `nil` leaves it out. Default: `nil`.
  public var handlingTimeHistogram: HistogramBuckets?
  /// Buckets of `grpc_client_msg_recv_handling_seconds` (each message receive); `nil` leaves it
  /// out. Default: `nil`.
  public var messageReceiveTimeHistogram: HistogramBuckets?
  /// Buckets of `grpc_client_msg_send_handling_seconds` (each message send); `nil` leaves it out.
  /// Default: `nil`.
  public var messageSendTimeHistogram: HistogramBuckets?
  /// Create every series of every known method at zero before the first call. Default: `true`.
  public var preinitializesSeries: Bool
  /// Use py-grpc-prometheus's legacy names: `grpc_client_completed_total{code}` and
  /// `grpc_client_completed_latency_seconds`. Default: `false`.
  public var usesLegacyNames: Bool

  /// Record the go-grpc-prometheus `grpc_client_*` families. Turn off to record only the runner
  /// families. Default: `true`.
  public var recordsGRPCFamilies: Bool
  /// Also record BentoML-shaped runner families; `nil` leaves them out. Default: `nil`.
  public var runnerMetrics: RunnerMetricsOptions?

  /// Options with the documented defaults.
  public init() {
    self.recordsGRPCFamilies = true
    self.runnerMetrics = nil
    self.namespace = nil
    self.subsystem = nil
    self.constantLabels = [:]
    self.labelSpelling = .go
    self.handlingTimeHistogram = nil
    self.messageReceiveTimeHistogram = nil
    self.messageSendTimeHistogram = nil
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
