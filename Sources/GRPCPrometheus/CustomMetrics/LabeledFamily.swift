public import Prometheus
import Synchronization

/// A metric family with label names declared once, whose children are looked up by label values,
/// as `prometheus_client`'s `Histogram(…, labelnames=[…]).labels(…)`.
///
/// ```swift
/// let inferenceDuration = try LabeledFamily.histogram(
///   registry: registry,
///   name: "inference_duration",
///   help: "Duration of inference",
///   labelNames: ["nltk_version", "sentiment_cls"],
///   buckets: .bentoMLDefault
/// )
/// try inferenceDuration.labels("3.8", "SentimentIntensityAnalyzer").record(0.012)
/// ```
///
/// The number of values is checked against the declared names, and each child is created once and
/// cached, so a hot path pays a dictionary look-up instead of a registry registration.
public final class LabeledFamily<Metric: AnyObject & Sendable>: Sendable {
  /// The declared label names, in order.
  public let labelNames: [String]
  private let name: String
  private let make: @Sendable ([(String, String)]) -> Metric
  private let children = Mutex<[[String]: Metric]>([:])

  private init(
    name: String,
    labelNames: [String],
    make: @escaping @Sendable ([(String, String)]) -> Metric
  ) throws(MetricsConfigurationError) {
    try MetricNameValidation.checkMetricNamePart(name, field: "name")
    guard !labelNames.isEmpty else {
      throw MetricsConfigurationError(field: "labelNames", reason: "declare at least one label")
    }
    for label in labelNames {
      try MetricNameValidation.checkLabelName(label, field: "labelNames")
    }
    guard Set(labelNames).count == labelNames.count else {
      throw MetricsConfigurationError(field: "labelNames", reason: "\(labelNames) repeats a name")
    }
    self.name = name
    self.labelNames = labelNames
    self.make = make
  }

  /// The child for these label values, one per declared name, in order.
  ///
  /// - Throws: ``MetricsConfigurationError`` when the number of values differs from the number of
  ///   declared names.
  public func labels(_ values: String...) throws(MetricsConfigurationError) -> Metric {
    try self.labels(values)
  }

  /// The child for these label values, one per declared name, in order.
  public func labels(_ values: [String]) throws(MetricsConfigurationError) -> Metric {
    guard values.count == self.labelNames.count else {
      throw MetricsConfigurationError(
        field: "labels",
        reason: "\(self.name) takes \(self.labelNames.count) values "
          + "(\(self.labelNames.joined(separator: ", "))), got \(values.count)"
      )
    }
    return self.children.withLock { children in
      if let child = children[values] {
        return child
      }
      let child = self.make(Array(zip(self.labelNames, values)))
      children[values] = child
      return child
    }
  }
}

extension LabeledFamily where Metric == Counter {
  /// A counter family. Name it with `_total`, as the exposition format expects.
  public static func counter(
    registry: PrometheusCollectorRegistry,
    name: String,
    help: String,
    labelNames: [String]
  ) throws(MetricsConfigurationError) -> LabeledFamily<Counter> {
    try LabeledFamily(name: name, labelNames: labelNames) { labels in
      registry.makeCounter(
        descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help),
        labels: labels
      )
    }
  }
}

extension LabeledFamily where Metric == Gauge {
  /// A gauge family.
  public static func gauge(
    registry: PrometheusCollectorRegistry,
    name: String,
    help: String,
    labelNames: [String]
  ) throws(MetricsConfigurationError) -> LabeledFamily<Gauge> {
    try LabeledFamily(name: name, labelNames: labelNames) { labels in
      registry.makeGauge(
        descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help),
        labels: labels
      )
    }
  }
}

extension LabeledFamily where Metric == ValueHistogram {
  /// A histogram family with validated buckets.
  public static func histogram(
    registry: PrometheusCollectorRegistry,
    name: String,
    help: String,
    labelNames: [String],
    buckets: HistogramBuckets
  ) throws(MetricsConfigurationError) -> LabeledFamily<ValueHistogram> {
    try LabeledFamily(name: name, labelNames: labelNames) { labels in
      registry.makeValueHistogram(
        descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help),
        labels: labels,
        buckets: buckets.upperBounds
      )
    }
  }
}
