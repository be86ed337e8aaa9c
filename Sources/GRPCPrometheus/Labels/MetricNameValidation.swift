/// Checks names against the Prometheus data model before anything reaches the registry, which
/// would otherwise silently rewrite them.
enum MetricNameValidation {
  /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
  static func checkMetricNamePart(_ value: String, field: String) throws(MetricsConfigurationError)
  {
    guard Self.isValid(value, allowColon: true) else {
      throw MetricsConfigurationError(
        field: field,
        reason: "\"\(value)\" is not a valid metric name part ([a-zA-Z_:][a-zA-Z0-9_:]*)"
      )
    }
  }

  /// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with the reserved `__`.
  static func checkLabelName(_ value: String, field: String) throws(MetricsConfigurationError) {
    guard Self.isValid(value, allowColon: false), !value.hasPrefix("__") else {
      throw MetricsConfigurationError(
        field: field,
        reason: "\"\(value)\" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading __)"
      )
    }
  }

  private static func isValid(_ value: String, allowColon: Bool) -> Bool {
    guard let first = value.utf8.first else { return false }
    func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
      (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
        || (allowColon && byte == UInt8(ascii: ":"))
    }
    guard isLetterOrUnderscore(first) else { return false }
    return value.utf8.allSatisfy { isLetterOrUnderscore($0) || ($0 >= 48 && $0 <= 57) }
  }
}
