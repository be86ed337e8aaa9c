import EchoService
import GRPCCore
import GRPCPrometheus
import Metrics
import Prometheus
import SwiftProtobuf

/// The seed's NLTK example in Swift: an Echo `Get` that "analyses" the text's sentiment and
/// records the app's own metrics beside the interceptor's.
struct SentimentService: Echo_V1_Echo.SimpleServiceProtocol {
  /// `inference_duration{nltk_version, sentiment_cls}`, declared once with its buckets.
  let inferenceDuration: LabeledFamily<ValueHistogram>
  /// `polarity_total{polarity}`.
  let polarity: LabeledFamily<Prometheus.Counter>
  /// A plain gauge: the length of the last text analysed.
  let lastTextLength: Prometheus.Gauge
  /// The same registry through swift-metrics: `analysis_requests_total`.
  let analysisRequests: Metrics.Counter

  init(registry: PrometheusCollectorRegistry, metricsFactory: PrometheusMetricsFactory) throws {
    self.inferenceDuration = try LabeledFamily.histogram(
      registry: registry,
      name: "inference_duration",
      help: "Duration of inference",
      labelNames: ["nltk_version", "sentiment_cls"],
      buckets: .bentoMLDefault
    )
    self.polarity = try LabeledFamily.counter(
      registry: registry,
      name: "polarity_total",
      help: "Count total number of analysis by polarity scores",
      labelNames: ["polarity"]
    )
    self.lastTextLength = registry.makeGauge(
      descriptor: MetricNameDescriptor(
        metricName: "last_text_length",
        unitName: "",
        helpText: "Length of the last text analysed"
      )
    )
    self.analysisRequests = Metrics.Counter(
      label: "analysis_requests_total",
      dimensions: [("service", "sentiment")],
      factory: metricsFactory
    )
  }

  func get(
    request: Echo_V1_EchoRequest,
    context: ServerContext
  ) async throws -> Echo_V1_EchoResponse {
    let start = ContinuousClock.now
    let isPositive = request.text.contains("good")
    try self.inferenceDuration.labels("3.8.1", "SentimentIntensityAnalyzer")
      .record(start.duration(to: .now).seconds)
    try self.polarity.labels(String(isPositive)).increment()
    self.lastTextLength.set(to: Double(request.text.count))
    self.analysisRequests.increment()
    return .with { $0.text = isPositive ? "positive" : "negative" }
  }

  func collect(
    request: RPCAsyncSequence<Echo_V1_EchoRequest, any Error>,
    context: ServerContext
  ) async throws -> Echo_V1_EchoResponse {
    throw RPCError(code: .unimplemented, message: "Only Get analyses sentiment.")
  }

  func expand(
    request: Echo_V1_EchoRequest,
    response: RPCWriter<Echo_V1_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "Only Get analyses sentiment.")
  }

  func update(
    request: RPCAsyncSequence<Echo_V1_EchoRequest, any Error>,
    response: RPCWriter<Echo_V1_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "Only Get analyses sentiment.")
  }
}

extension Duration {
  fileprivate var seconds: Double {
    let (seconds, attoseconds) = self.components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}
