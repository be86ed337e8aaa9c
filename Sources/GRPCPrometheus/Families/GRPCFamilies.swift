import GRPCCore
import Prometheus

/// The go-grpc-prometheus families of one side, bound to a registry, with names, constant labels
/// and buckets validated once.
struct GRPCFamilies: Sendable {
  private let registry: PrometheusCollectorRegistry
  private let names: GRPCFamilyNames
  private let constantLabels: [(String, String)]
  private let spelling: LabelSpelling
  private let handlingTimeBuckets: HistogramBuckets?
  private let messageReceiveTimeBuckets: HistogramBuckets?
  private let messageSendTimeBuckets: HistogramBuckets?

  init(
    registry: PrometheusCollectorRegistry,
    names: GRPCFamilyNames,
    naming: MetricNaming,
    handlingTimeBuckets: HistogramBuckets?,
    messageReceiveTimeBuckets: HistogramBuckets? = nil,
    messageSendTimeBuckets: HistogramBuckets? = nil
  ) throws(MetricsConfigurationError) {
    let reserved = ["grpc_type", "grpc_service", "grpc_method", names.codeLabelName, "le"]
    self.constantLabels = try naming.validatedConstantLabels(reserved: reserved)
    var names = names
    names.started.name = try naming.prefixed(names.started.name)
    names.handled.name = try naming.prefixed(names.handled.name)
    names.received.name = try naming.prefixed(names.received.name)
    names.sent.name = try naming.prefixed(names.sent.name)
    names.handlingTime.name = try naming.prefixed(names.handlingTime.name)
    if let family = names.messageReceiveTime {
      names.messageReceiveTime?.name = try naming.prefixed(family.name)
    }
    if let family = names.messageSendTime {
      names.messageSendTime?.name = try naming.prefixed(family.name)
    }
    self.registry = registry
    self.names = names
    self.spelling = naming.labelSpelling
    self.handlingTimeBuckets = handlingTimeBuckets
    self.messageReceiveTimeBuckets = messageReceiveTimeBuckets
    self.messageSendTimeBuckets = messageSendTimeBuckets
  }

  /// Resolves every handle of one method. With `preinitialize`, all seventeen `handled` series are
  /// created now (at zero), as go-grpc-prometheus's `Register(server)` does, so `rate()` and
  /// `increase()` work from the first scrape; otherwise each code's series appears on first use.
  func makeMethodMetrics(
    for descriptor: MethodDescriptor,
    preinitialize: Bool
  ) -> GRPCMethodMetrics {
    let methodLabels = Self.sorted(
      self.constantLabels + [
        ("grpc_type", self.spelling.typeLabel(descriptor.type)),
        ("grpc_service", descriptor.service.fullyQualifiedService),
        ("grpc_method", descriptor.method),
      ]
    )
    let registry = self.registry
    let handled = self.names.handled
    let codeLabelName = self.names.codeLabelName
    let spelling = self.spelling
    let metrics = GRPCMethodMetrics(
      started: self.counter(self.names.started, methodLabels),
      received: self.counter(self.names.received, methodLabels),
      sent: self.counter(self.names.sent, methodLabels),
      handlingTime: self.histogram(self.names.handlingTime, self.handlingTimeBuckets, methodLabels),
      messageReceiveTime: self.names.messageReceiveTime.flatMap {
        self.histogram($0, self.messageReceiveTimeBuckets, methodLabels)
      },
      messageSendTime: self.names.messageSendTime.flatMap {
        self.histogram($0, self.messageSendTimeBuckets, methodLabels)
      },
      makeHandledCounter: { code in
        let labels = Self.sorted(methodLabels + [(codeLabelName, spelling.codeLabel(code))])
        return registry.makeCounter(
          descriptor: MetricNameDescriptor(
            metricName: handled.name,
            unitName: "",
            helpText: handled.help
          ),
          labels: labels
        )
      }
    )
    if preinitialize {
      metrics.preinitializeHandled()
    }
    return metrics
  }

  private func counter(_ family: GRPCFamilyNames.Family, _ labels: [(String, String)]) -> Counter {
    self.registry.makeCounter(
      descriptor: MetricNameDescriptor(
        metricName: family.name,
        unitName: "",
        helpText: family.help
      ),
      labels: labels
    )
  }

  private func histogram(
    _ family: GRPCFamilyNames.Family,
    _ buckets: HistogramBuckets?,
    _ labels: [(String, String)]
  ) -> ValueHistogram? {
    guard let buckets else { return nil }
    return self.registry.makeValueHistogram(
      descriptor: MetricNameDescriptor(
        metricName: family.name,
        unitName: "",
        helpText: family.help
      ),
      labels: labels,
      buckets: buckets.upperBounds
    )
  }

  /// Label order as client_golang writes it (sorted by name), so lines read the same as Go's.
  private static func sorted(_ labels: [(String, String)]) -> [(String, String)] {
    labels.sorted { $0.0 < $1.0 }
  }
}
