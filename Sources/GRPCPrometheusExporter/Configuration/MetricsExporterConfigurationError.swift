/// A configuration value the exporter cannot use, named by the exporter-toolkit key it comes from
/// (for example `tls_server_config.cert_file`), so the message points at the line to fix whether
/// the value came from a web configuration file, a flag or code.
public struct MetricsExporterConfigurationError: Error, Hashable, CustomStringConvertible {
  /// The field at fault, as a dotted path of web configuration keys.
  public let field: String
  /// What is wrong with it.
  public let reason: String

  /// An error about `field`.
  public init(field: String, reason: String) {
    self.field = field
    self.reason = reason
  }

  /// `field: reason`, ready for a log line or a command's error output.
  public var description: String { "\(self.field): \(self.reason)" }
}
