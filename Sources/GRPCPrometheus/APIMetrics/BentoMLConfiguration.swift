import Foundation
import Yams

extension APIServerMetricsOptions {
  /// Reads the options from a BentoML configuration document (YAML or JSON) with BentoML's keys:
  ///
  /// ```yaml
  /// api_server:
  ///   metrics:
  ///     namespace: bentoml_api_server
  ///     duration:        # either min, max and factor …
  ///       min: 0.1
  ///       max: 5.0
  ///       factor: 2.0
  ///       # … or an explicit list: buckets: [0.1, 0.5, 1.0]
  /// ```
  ///
  /// Keys that are absent keep their defaults.
  ///
  /// - Throws: ``MetricsConfigurationError`` naming the field for a malformed document, a value of
  ///   the wrong type, a list and `min`/`max`/`factor` given together, or invalid buckets.
  public init(
    bentoMLConfiguration document: String,
    serviceName: String,
    serviceVersion: String
  ) throws(MetricsConfigurationError) {
    self.init(serviceName: serviceName, serviceVersion: serviceVersion)
    let root: Any?
    do {
      root = try Yams.load(yaml: document)
    } catch {
      throw MetricsConfigurationError(field: "configuration", reason: "not YAML or JSON: \(error)")
    }
    guard let metrics = try Self.dictionary(at: ["api_server", "metrics"], in: root) else { return }
    if let namespace = metrics["namespace"] {
      guard let namespace = namespace as? String else {
        throw MetricsConfigurationError(
          field: "api_server.metrics.namespace",
          reason: "must be a string"
        )
      }
      self.namespace = namespace
    }
    if let duration = try Self.dictionary(at: ["duration"], in: metrics) {
      self.durationHistogram = try Self.buckets(from: duration)
    }
  }

  /// Reads the options from a BentoML configuration file; see
  /// ``init(bentoMLConfiguration:serviceName:serviceVersion:)``.
  public init(
    bentoMLConfigurationFile path: String,
    serviceName: String,
    serviceVersion: String
  ) throws(MetricsConfigurationError) {
    let document: String
    do {
      document = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw MetricsConfigurationError(
        field: "configuration",
        reason: "cannot read \(path): \(error)"
      )
    }
    try self.init(
      bentoMLConfiguration: document,
      serviceName: serviceName,
      serviceVersion: serviceVersion
    )
  }

  private static func dictionary(
    at path: [String],
    in value: Any?
  ) throws(MetricsConfigurationError) -> [String: Any]? {
    var current = value
    var walked: [String] = []
    for key in path {
      walked.append(key)
      guard let node = current else { return nil }
      guard let dictionary = node as? [String: Any] else {
        throw MetricsConfigurationError(
          field: walked.dropLast().joined(separator: "."),
          reason: "must be a mapping"
        )
      }
      current = dictionary[key]
    }
    guard let node = current else { return nil }
    guard let dictionary = node as? [String: Any] else {
      throw MetricsConfigurationError(
        field: path.joined(separator: "."),
        reason: "must be a mapping"
      )
    }
    return dictionary
  }

  private static func buckets(
    from duration: [String: Any]
  ) throws(MetricsConfigurationError) -> HistogramBuckets {
    let prefix = "api_server.metrics.duration"
    let exponentialKeys = ["min", "max", "factor"].filter { duration[$0] != nil }
    if let list = duration["buckets"] {
      guard exponentialKeys.isEmpty else {
        throw MetricsConfigurationError(
          field: prefix,
          reason: "give either buckets or min/max/factor, not both"
        )
      }
      guard let values = list as? [Any] else {
        throw MetricsConfigurationError(field: "\(prefix).buckets", reason: "must be a list")
      }
      var bounds: [Double] = []
      for value in values {
        guard let bound = Self.number(value) else {
          throw MetricsConfigurationError(
            field: "\(prefix).buckets",
            reason: "\(value) is not a number"
          )
        }
        bounds.append(bound)
      }
      // BentoML's lists end with inf; the exposition adds +Inf itself.
      if bounds.last == .infinity {
        bounds.removeLast()
      }
      return try HistogramBuckets(bounds)
    }
    guard !exponentialKeys.isEmpty else { return .bentoMLDefault }
    guard exponentialKeys.count == 3 else {
      throw MetricsConfigurationError(
        field: prefix,
        reason: "min, max and factor must be given together"
      )
    }
    var numbers: [String: Double] = [:]
    for key in exponentialKeys {
      guard let number = Self.number(duration[key]!) else {
        throw MetricsConfigurationError(field: "\(prefix).\(key)", reason: "must be a number")
      }
      numbers[key] = number
    }
    return try HistogramBuckets.exponential(
      min: numbers["min"]!,
      max: numbers["max"]!,
      factor: numbers["factor"]!
    )
  }

  private static func number(_ value: Any) -> Double? {
    switch value {
    case let value as Double: return value
    case let value as Int: return Double(value)
    case let value as String where value == "inf" || value == "+inf" || value == ".inf":
      return .infinity
    default: return nil
    }
  }
}
