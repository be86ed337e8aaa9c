/// Naming choices shared by every family an interceptor registers.
struct MetricNaming: Sendable {
  var namespace: String?
  var subsystem: String?
  var constantLabels: [String: String]
  var labelSpelling: LabelSpelling

  /// `namespace_subsystem_name`, skipping empty parts, as client_golang's `BuildFQName`.
  func prefixed(_ name: String) throws(MetricsConfigurationError) -> String {
    var parts: [String] = []
    if let namespace, !namespace.isEmpty {
      try MetricNameValidation.checkMetricNamePart(namespace, field: "namespace")
      parts.append(namespace)
    }
    if let subsystem, !subsystem.isEmpty {
      try MetricNameValidation.checkMetricNamePart(subsystem, field: "subsystem")
      parts.append(subsystem)
    }
    parts.append(name)
    return parts.joined(separator: "_")
  }

  /// The constant labels, checked for valid names that do not collide with the family's own.
  func validatedConstantLabels(
    reserved: [String]
  ) throws(MetricsConfigurationError) -> [(String, String)] {
    var labels: [(String, String)] = []
    for (name, value) in self.constantLabels.sorted(by: { $0.key < $1.key }) {
      try MetricNameValidation.checkLabelName(name, field: "constantLabels")
      if reserved.contains(name) {
        throw MetricsConfigurationError(
          field: "constantLabels",
          reason: "\"\(name)\" is already a label of these families"
        )
      }
      labels.append((name, value))
    }
    return labels
  }
}
