import Atomics
import GRPCCore
import Prometheus
import Synchronization

/// BentoML-shaped request families (`<ns>_request_duration_seconds`, `<ns>_request_total`,
/// `<ns>_request_in_progress`) bound to a registry, with one cached ``APISeries`` per name.
final class APIFamilies: Sendable {
  struct Names: Sendable {
    var duration: String
    var durationHelp: String
    var total: String
    var totalHelp: String
    var inProgress: String
    var inProgressHelp: String
  }

  private let registry: PrometheusCollectorRegistry
  private let names: Names
  /// The label carrying the per-call name: `api_name`, or `endpoint` for runners.
  private let nameLabel: String
  /// `service_name`, `service_version` (and `runner_name`), fixed per interceptor.
  private let fixedLabels: [(String, String)]
  private let buckets: HistogramBuckets
  private let httpStatus: HTTPStatusMapping
  private let series = Mutex<[String: APISeries]>([:])

  init(
    registry: PrometheusCollectorRegistry,
    namespace: String,
    role: String,
    nameLabel: String,
    fixedLabels: [(String, String)],
    buckets: HistogramBuckets,
    httpStatus: HTTPStatusMapping
  ) throws(MetricsConfigurationError) {
    try MetricNameValidation.checkMetricNamePart(namespace, field: "namespace")
    self.registry = registry
    self.names = Names(
      duration: "\(namespace)_request_duration_seconds",
      durationHelp: "\(role) request duration in seconds",
      total: "\(namespace)_request_total",
      totalHelp: "Total number of \(role) requests",
      inProgress: "\(namespace)_request_in_progress",
      inProgressHelp: "Total number of \(role) requests in progress now"
    )
    self.nameLabel = nameLabel
    self.fixedLabels = fixedLabels
    self.buckets = buckets
    self.httpStatus = httpStatus
  }

  /// The handles for one name, created on first use and then cached.
  func series(named name: String) -> APISeries {
    self.series.withLock { cache in
      if let series = cache[name] {
        return series
      }
      let series = self.makeSeries(named: name)
      cache[name] = series
      return series
    }
  }

  private func makeSeries(named name: String) -> APISeries {
    let baseLabels = Self.sorted([(self.nameLabel, name)] + self.fixedLabels)
    let inProgress = self.registry.makeGauge(
      descriptor: MetricNameDescriptor(
        metricName: self.names.inProgress,
        unitName: "",
        helpText: self.names.inProgressHelp
      ),
      labels: baseLabels
    )
    let registry = self.registry
    let names = self.names
    let buckets = self.buckets
    return APISeries(inProgress: inProgress, httpStatus: self.httpStatus) { status in
      let labels = Self.sorted(baseLabels + [("http_response_code", String(status))])
      let total = registry.makeCounter(
        descriptor: MetricNameDescriptor(
          metricName: names.total,
          unitName: "",
          helpText: names.totalHelp
        ),
        labels: labels
      )
      let duration = registry.makeValueHistogram(
        descriptor: MetricNameDescriptor(
          metricName: names.duration,
          unitName: "",
          helpText: names.durationHelp
        ),
        labels: labels,
        buckets: buckets.upperBounds
      )
      return APISeries.Outcome(total: total, duration: duration)
    }
  }

  private static func sorted(_ labels: [(String, String)]) -> [(String, String)] {
    labels.sorted { $0.0 < $1.0 }
  }
}

/// The handles of one name: its in-progress gauge, and per gRPC code the total and duration
/// series of the HTTP status that code maps to (created on first use, lock-free after).
final class APISeries: Sendable {
  struct Outcome: Sendable {
    var total: Counter
    var duration: ValueHistogram
  }

  final class OutcomeBox: Sendable {
    let outcome: Outcome
    init(_ outcome: Outcome) { self.outcome = outcome }
  }

  let inProgress: Gauge
  private let httpStatus: HTTPStatusMapping
  private let outcomes: [ManagedAtomicLazyReference<OutcomeBox>]
  private let makeOutcome: @Sendable (Int) -> Outcome

  init(
    inProgress: Gauge,
    httpStatus: HTTPStatusMapping,
    makeOutcome: @escaping @Sendable (Int) -> Outcome
  ) {
    self.inProgress = inProgress
    self.httpStatus = httpStatus
    self.outcomes = Status.Code.all.map { _ in ManagedAtomicLazyReference() }
    self.makeOutcome = makeOutcome
  }

  func record(code: Status.Code, duration: Duration) {
    let slot = self.outcomes[code.rawValue]
    let box =
      slot.load()
      ?? slot.storeIfNilThenLoad(OutcomeBox(self.makeOutcome(self.httpStatus.status(for: code))))
    box.outcome.total.increment()
    box.outcome.duration.record(duration.seconds)
  }
}
