import Foundation

/// Reads the client families back out of a text exposition, for the load summary: calls by code
/// and latency quantiles interpolated within histogram buckets, as PromQL's
/// `histogram_quantile` does.
struct ExpositionSummary {
  private(set) var callsByCode: [String: Double] = [:]
  /// Cumulative bucket counts summed over methods, by upper bound.
  private(set) var latencyBuckets: [Double: Double] = [:]

  init(exposition: String) {
    for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
      guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
      if line.hasPrefix("grpc_client_handled_total{"), let code = Self.label("grpc_code", in: line)
      {
        self.callsByCode[code, default: 0] += value
      } else if line.hasPrefix("grpc_client_handling_seconds_bucket{"),
        let le = Self.label("le", in: line)
      {
        let bound = le == "+Inf" ? Double.infinity : Double(le) ?? .nan
        self.latencyBuckets[bound, default: 0] += value
      }
    }
  }

  var totalCalls: Double {
    self.callsByCode.values.reduce(0, +)
  }

  /// The `q` quantile of call latency in seconds, or `nil` without observations.
  func latencyQuantile(_ q: Double) -> Double? {
    let buckets = self.latencyBuckets.sorted { $0.key < $1.key }
    guard let total = buckets.last?.value, total > 0 else { return nil }
    let rank = q * total
    var lowerBound = 0.0
    var lowerCount = 0.0
    for (bound, count) in buckets {
      if count >= rank {
        if bound == .infinity { return lowerBound }
        let inBucket = count - lowerCount
        return inBucket == 0
          ? bound : lowerBound + (bound - lowerBound) * (rank - lowerCount) / inBucket
      }
      lowerBound = bound
      lowerCount = count
    }
    return lowerBound
  }

  private static func label(_ name: String, in line: Substring) -> String? {
    guard let range = line.range(of: "\(name)=\"") else { return nil }
    let rest = line[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
  }
}
