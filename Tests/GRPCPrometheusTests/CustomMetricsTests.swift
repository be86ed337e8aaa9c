import GRPCPrometheus
import Metrics
import Prometheus
import Testing

@Suite("Custom metrics in the same registry")
struct CustomMetricsTests {
  @Test("LabeledFamily declares label names once and caches children")
  func labeledFamilies() throws {
    let registry = PrometheusCollectorRegistry()
    let duration = try LabeledFamily.histogram(
      registry: registry,
      name: "inference_duration",
      help: "Duration of inference",
      labelNames: ["nltk_version", "sentiment_cls"],
      buckets: HistogramBuckets([0.1, 1])
    )
    let polarity = try LabeledFamily.counter(
      registry: registry,
      name: "polarity_total",
      help: "Count total number of analysis by polarity scores",
      labelNames: ["polarity"]
    )
    let queue = try LabeledFamily.gauge(
      registry: registry,
      name: "queue_depth",
      help: "Items waiting",
      labelNames: ["queue"]
    )
    try duration.labels("3.8", "SIA").record(0.05)
    try duration.labels("3.8", "SIA").record(0.5)
    try polarity.labels("true").increment()
    try polarity.labels("true").increment()
    try polarity.labels("false").increment()
    try queue.labels("main").set(to: 7.0)
    #expect(try polarity.labels("true") === polarity.labels("true"))

    let exposition = try Exposition(registry.emitToString())
    let labels = ["nltk_version": "3.8", "sentiment_cls": "SIA"]
    #expect(
      exposition.value("inference_duration_bucket", labels.merging(["le": "0.1"]) { $1 }) == 1
    )
    #expect(
      exposition.value("inference_duration_bucket", labels.merging(["le": "1.0"]) { $1 }) == 2
    )
    #expect(exposition.value("inference_duration_count", labels) == 2)
    #expect(exposition.value("polarity_total", ["polarity": "true"]) == 2)
    #expect(exposition.value("polarity_total", ["polarity": "false"]) == 1)
    #expect(exposition.value("queue_depth", ["queue": "main"]) == 7)
    #expect(exposition.help["inference_duration"] == "Duration of inference")
  }

  @Test("A wrong number of label values is an error naming the expected labels")
  func wrongLabelCount() throws {
    let family = try LabeledFamily.counter(
      registry: PrometheusCollectorRegistry(),
      name: "polarity_total",
      help: "h",
      labelNames: ["polarity", "model"]
    )
    let error = #expect(throws: MetricsConfigurationError.self) { try family.labels("true") }
    #expect(
      error?.description
        == "invalid metrics configuration: labels: polarity_total takes 2 values (polarity, model), got 1"
    )
  }

  @Test(
    "Invalid family declarations are rejected",
    arguments: [
      ("bad-name", ["a"], "name"), ("ok_total", [], "labelNames"),
      ("ok_total", ["a", "a"], "labelNames"),
      ("ok_total", ["1a"], "labelNames"),
    ]
  )
  func invalidDeclarations(name: String, labels: [String], field: String) {
    let error = #expect(throws: MetricsConfigurationError.self) {
      try LabeledFamily.counter(
        registry: PrometheusCollectorRegistry(),
        name: name,
        help: "h",
        labelNames: labels
      )
    }
    #expect(error?.field == field)
  }

  @Test("swift-metrics through PrometheusMetricsFactory lands in the same exposition")
  func swiftMetricsFactory() throws {
    let registry = PrometheusCollectorRegistry()
    let factory = PrometheusMetricsFactory(registry: registry)
    let counter = Metrics.Counter(
      label: "analysis_requests_total",
      dimensions: [("service", "sentiment")],
      factory: factory
    )
    counter.increment(by: 3)
    let gauge = Metrics.Gauge(label: "workers", factory: factory)
    gauge.record(4)
    _ = try GRPCPrometheus.ServerMetricsInterceptor(registry: registry)
    let exposition = try Exposition(registry.emitToString())
    #expect(exposition.value("analysis_requests_total", ["service": "sentiment"]) == 3)
    #expect(exposition.value("workers") == 4)
  }
}
