/// BentoML-shaped API-server families recorded by ``ServerMetricsInterceptor``:
/// `<namespace>_request_duration_seconds` and `<namespace>_request_total` by `api_name`,
/// `service_name`, `service_version` and `http_response_code`, and
/// `<namespace>_request_in_progress` by `api_name`, `service_name`, `service_version`.
///
/// Unlike BentoML's gRPC interceptor, the duration covers the whole RPC (until its response stream
/// ends) and streaming RPCs are measured too, unless ``instrumentsStreamingRPCs`` is off.
public struct APIServerMetricsOptions: Sendable {
  /// Prefix of the three families. Default: `bentoml_api_server`.
  public var namespace: String
  /// The `service_name` label.
  public var serviceName: String
  /// The `service_version` label.
  public var serviceVersion: String
  /// Buckets of the duration histogram. Default: ``HistogramBuckets/bentoMLDefault``.
  public var durationHistogram: HistogramBuckets
  /// How gRPC codes become `http_response_code`. Default: ``HTTPStatusMapping/bentoML``.
  public var httpStatus: HTTPStatusMapping
  /// Where `api_name` comes from. Default: ``APINameSource/methodName``.
  public var apiName: APINameSource
  /// Measure client-, server- and bidirectional-streaming RPCs too; `false` passes them through
  /// untouched, as BentoML does. Default: `true`.
  public var instrumentsStreamingRPCs: Bool

  /// Options for a service, with the documented defaults.
  public init(serviceName: String, serviceVersion: String) {
    self.namespace = "bentoml_api_server"
    self.serviceName = serviceName
    self.serviceVersion = serviceVersion
    self.durationHistogram = .bentoMLDefault
    self.httpStatus = .bentoML
    self.apiName = .methodName
    self.instrumentsStreamingRPCs = true
  }
}

/// BentoML-shaped runner families recorded by ``ClientMetricsInterceptor`` for calls from an API
/// server to a downstream model runner: `<namespace>_request_duration_seconds` and
/// `<namespace>_request_total` by `endpoint`, `runner_name`, `service_name`, `service_version` and
/// `http_response_code`, and `<namespace>_request_in_progress` without the code — BentoML's runner
/// labels, with `endpoint` the called method as a path (`/Get`).
public struct RunnerMetricsOptions: Sendable {
  /// Prefix of the three families. Default: `bentoml_runner`.
  public var namespace: String
  /// The `runner_name` label: the downstream runner this client calls.
  public var runnerName: String
  /// The `service_name` label: the calling service.
  public var serviceName: String
  /// The `service_version` label.
  public var serviceVersion: String
  /// Buckets of the duration histogram. Default: ``HistogramBuckets/bentoMLDefault``.
  public var durationHistogram: HistogramBuckets
  /// How gRPC codes become `http_response_code`. Default: ``HTTPStatusMapping/bentoML``.
  public var httpStatus: HTTPStatusMapping
  /// Measure streaming calls too; `false` passes them through untouched. Default: `true`.
  public var instrumentsStreamingRPCs: Bool

  /// Options for a runner, with the documented defaults.
  public init(runnerName: String, serviceName: String, serviceVersion: String) {
    self.namespace = "bentoml_runner"
    self.runnerName = runnerName
    self.serviceName = serviceName
    self.serviceVersion = serviceVersion
    self.durationHistogram = .bentoMLDefault
    self.httpStatus = .bentoML
    self.instrumentsStreamingRPCs = true
  }
}
