/// A configuration that cannot produce well-formed metrics.
///
/// Thrown when an interceptor or a bucket layout is constructed, so that a mistake surfaces at
/// start-up with a message naming the offending field rather than as a malformed exposition later.
public struct MetricsConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The option at fault, e.g. `"buckets"`, `"factor"` or `"namespace"`.
  public var field: String
  /// What is wrong with it.
  public var reason: String

  /// Creates an error for `field`.
  public init(field: String, reason: String) {
    self.field = field
    self.reason = reason
  }

  public var description: String {
    "invalid metrics configuration: \(self.field): \(self.reason)"
  }
}
