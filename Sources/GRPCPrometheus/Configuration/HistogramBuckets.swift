/// The upper bounds of a histogram's buckets, validated once at construction.
///
/// The implicit `+Inf` bucket is always added by the exposition and is not part of
/// ``upperBounds``.
public struct HistogramBuckets: Sendable, Hashable {
  /// Finite, strictly increasing upper bounds.
  public let upperBounds: [Double]

  /// Creates buckets from an explicit list.
  ///
  /// - Throws: ``MetricsConfigurationError`` for an empty list, a non-finite bound, or a list that
  ///   is not strictly increasing (unsorted or duplicated).
  public init(_ upperBounds: [Double]) throws(MetricsConfigurationError) {
    guard !upperBounds.isEmpty else {
      throw MetricsConfigurationError(field: "buckets", reason: "the list is empty")
    }
    for (index, bound) in upperBounds.enumerated() {
      guard bound.isFinite else {
        throw MetricsConfigurationError(
          field: "buckets",
          reason: "bound \(bound) at index \(index) is not finite (+Inf is added implicitly)"
        )
      }
      if index > 0 {
        let previous = upperBounds[index - 1]
        if bound == previous {
          throw MetricsConfigurationError(
            field: "buckets",
            reason: "bound \(bound) appears twice; bounds must be strictly increasing"
          )
        }
        if bound < previous {
          throw MetricsConfigurationError(
            field: "buckets",
            reason: "bound \(bound) follows \(previous); bounds must be sorted in increasing order"
          )
        }
      }
    }
    self.upperBounds = upperBounds
  }

  private init(validated upperBounds: [Double]) {
    self.upperBounds = upperBounds
  }

  /// Buckets grown geometrically, with BentoML's algorithm: `min·factorⁿ` while below `max`,
  /// then `max` itself (at most 100 bounds in all).
  ///
  /// `exponential(min: 0.1, max: 5, factor: 2)` gives `0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5`.
  ///
  /// - Throws: ``MetricsConfigurationError`` when `min ≤ 0`, `max ≤ min` or `factor ≤ 1`.
  public static func exponential(
    min: Double,
    max: Double,
    factor: Double
  ) throws(MetricsConfigurationError) -> HistogramBuckets {
    guard min.isFinite, min > 0 else {
      throw MetricsConfigurationError(field: "min", reason: "must be greater than 0, got \(min)")
    }
    guard max.isFinite, max > min else {
      throw MetricsConfigurationError(
        field: "max",
        reason: "must be greater than min (\(min)), got \(max)"
      )
    }
    guard factor.isFinite, factor > 1 else {
      throw MetricsConfigurationError(
        field: "factor",
        reason: "must be greater than 1, got \(factor)"
      )
    }
    var bounds: [Double] = []
    var bound = min
    while bound < max && bounds.count < Self.maximumGeneratedCount - 1 {
      bounds.append(bound)
      bound *= factor
    }
    bounds.append(max)
    return HistogramBuckets(validated: bounds)
  }

  /// BentoML's cap on generated buckets.
  static let maximumGeneratedCount = 100

  /// The default buckets of go-grpc-prometheus and client_golang's `DefBuckets`:
  /// `0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10`.
  public static let grpcDefault = HistogramBuckets(
    validated: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
  )

  /// The default buckets of prometheus_client (`Histogram.DEFAULT_BUCKETS`), and so of
  /// py-grpc-prometheus's histograms: with ``LabelSpelling/python`` they give the same `le` series
  /// a py-grpc-prometheus dashboard expects.
  /// `0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10`.
  public static let pythonDefault = HistogramBuckets(
    validated: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
  )

  /// BentoML's default duration buckets (BentoML uses prometheus_client's defaults):
  /// `0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10`.
  public static let bentoMLDefault = HistogramBuckets(
    validated: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
  )
}
