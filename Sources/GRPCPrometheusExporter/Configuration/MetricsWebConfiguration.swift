import Yams

/// Who may scrape and over what: TLS and basic authentication, configurable in code or from a
/// YAML file in Prometheus exporter-toolkit's web configuration format, so that the file a Go
/// exporter's `--web.config.file` takes works here too.
///
/// ```yaml
/// tls_server_config:
///   cert_file: server.crt            # PEM; relative paths are relative to this file
///   key_file: server.key
///   client_auth_type: RequireAndVerifyClientCert   # default NoClientCert
///   client_ca_file: clients-ca.crt
///   min_version: TLS12               # TLS10 ... TLS13; default TLS12
///   max_version: TLS13
/// basic_auth_users:
///   prometheus: $2y$10$...           # bcrypt, e.g. from `htpasswd -nBC 10 "" | tr -d ':\n'`
/// ```
///
/// Keys this exporter does not implement (`cipher_suites`, `curve_preferences`,
/// `client_allowed_sans`, `http_server_config`, ...) are refused rather than ignored, since
/// ignoring a security setting would weaken it silently.
public struct MetricsWebConfiguration: Sendable, Hashable {
  /// TLS; `nil` (the default) serves plain HTTP.
  public var tls: MetricsTLSConfiguration?
  /// Basic authentication; `nil` (the default) lets every client scrape.
  public var basicAuth: MetricsBasicAuthConfiguration?

  /// A configuration from values built in code. Default: plain HTTP without authentication.
  public init(tls: MetricsTLSConfiguration? = nil, basicAuth: MetricsBasicAuthConfiguration? = nil)
  {
    self.tls = tls
    self.basicAuth = basicAuth
  }

  /// Reads a web configuration file; relative file names in it are resolved against the
  /// file's directory, as exporter-toolkit does.
  ///
  /// - Throws: ``MetricsExporterConfigurationError`` naming the field at fault (`web_config_file`
  ///   when the file itself cannot be read or parsed).
  public init(contentsOfFile path: String) throws {
    let text: String
    do {
      text = try FileContents.string(atPath: path)
    } catch {
      throw MetricsExporterConfigurationError(
        field: "web_config_file",
        reason: "cannot read \"\(path)\": \(error)"
      )
    }
    let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
    try self.init(yaml: text, relativeTo: directory)
  }

  /// Parses web configuration YAML.
  ///
  /// - Parameters:
  ///   - yaml: The document.
  ///   - directory: Prefix for relative file names (empty: the working directory).
  /// - Throws: ``MetricsExporterConfigurationError`` naming the field at fault.
  public init(yaml: String, relativeTo directory: String = "") throws {
    typealias Failure = MetricsExporterConfigurationError
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch {
      throw Failure(field: "web_config_file", reason: "not valid YAML: \(error)")
    }
    self.init()
    guard let root, !Self.isNull(root) else { return }
    let top = try Self.mapping(root, field: "web_config_file", prefix: "")
    for (key, value) in top {
      switch key {
      case "tls_server_config":
        self.tls = try Self.tls(value, relativeTo: directory)
      case "basic_auth_users":
        self.basicAuth = try Self.basicAuth(value)
      default:
        throw Failure(field: key, reason: "not supported by this exporter")
      }
    }
  }

  private static func tls(
    _ node: Node,
    relativeTo directory: String
  ) throws
    -> MetricsTLSConfiguration?
  {
    typealias Failure = MetricsExporterConfigurationError
    if Self.isNull(node) { return nil }
    var certificateFile: String?
    var keyFile: String?
    var clientCAFile: String?
    var clientAuthentication = MetricsTLSConfiguration.ClientAuthentication.noClientCert
    var minimumVersion = MetricsTLSConfiguration.Version.tls12
    var maximumVersion: MetricsTLSConfiguration.Version?
    for (key, value) in try Self.mapping(
      node,
      field: "tls_server_config",
      prefix: "tls_server_config."
    ) {
      let field = "tls_server_config.\(key)"
      let text = try Self.string(value, field: field)
      switch key {
      case "cert_file":
        certificateFile = text.isEmpty ? nil : Self.resolve(text, relativeTo: directory)
      case "key_file":
        keyFile = text.isEmpty ? nil : Self.resolve(text, relativeTo: directory)
      case "client_ca_file":
        clientCAFile = text.isEmpty ? nil : Self.resolve(text, relativeTo: directory)
      case "client_auth_type":
        guard let value = MetricsTLSConfiguration.ClientAuthentication(rawValue: text) else {
          let known = MetricsTLSConfiguration.ClientAuthentication.allCases.map(\.rawValue)
          throw Failure(
            field: field,
            reason: "unknown \"\(text)\"; expected one of \(known.joined(separator: ", "))"
          )
        }
        clientAuthentication = value
      case "min_version", "max_version":
        guard let value = MetricsTLSConfiguration.Version(rawValue: text) else {
          let known = MetricsTLSConfiguration.Version.allCases.map(\.rawValue)
          throw Failure(
            field: field,
            reason: "unknown \"\(text)\"; expected one of \(known.joined(separator: ", "))"
          )
        }
        if key == "min_version" {
          minimumVersion = value
        } else {
          maximumVersion = value
        }
      default:
        throw Failure(field: field, reason: "not supported by this exporter")
      }
    }
    switch (certificateFile, keyFile) {
    case (nil, nil):
      guard clientCAFile == nil && clientAuthentication == .noClientCert else {
        throw Failure(
          field: "tls_server_config.cert_file",
          reason: "required when client certificates are configured"
        )
      }
      return nil
    case (nil, .some):
      throw Failure(field: "tls_server_config.cert_file", reason: "required with key_file")
    case (.some, nil):
      throw Failure(field: "tls_server_config.key_file", reason: "required with cert_file")
    case (.some(let certificateFile), .some(let keyFile)):
      return try MetricsTLSConfiguration(
        certificateFile: certificateFile,
        keyFile: keyFile,
        clientAuthentication: clientAuthentication,
        clientCAFile: clientCAFile,
        minimumVersion: minimumVersion,
        maximumVersion: maximumVersion
      )
    }
  }

  private static func basicAuth(_ node: Node) throws -> MetricsBasicAuthConfiguration? {
    if Self.isNull(node) { return nil }
    var hashes: [String: String] = [:]
    for (user, value) in try Self.mapping(
      node,
      field: "basic_auth_users",
      prefix: "basic_auth_users."
    ) {
      hashes[user] = try Self.string(value, field: "basic_auth_users.\(user)")
    }
    // As exporter-toolkit: an empty list turns authentication off.
    return hashes.isEmpty ? nil : try MetricsBasicAuthConfiguration(hashedPasswords: hashes)
  }

  /// The pairs of a mapping in document order; `prefix` makes the field name of a repeated key.
  private static func mapping(
    _ node: Node,
    field: String,
    prefix: String
  ) throws -> [(String, Node)] {
    guard let mapping = node.mapping else {
      throw MetricsExporterConfigurationError(field: field, reason: "must be a mapping")
    }
    var seen: Set<String> = []
    return try mapping.map { key, value in
      guard let name = key.string else {
        throw MetricsExporterConfigurationError(field: field, reason: "keys must be strings")
      }
      guard seen.insert(name).inserted else {
        throw MetricsExporterConfigurationError(field: prefix + name, reason: "given twice")
      }
      return (name, value)
    }
  }

  private static func string(_ node: Node, field: String) throws -> String {
    guard let scalar = node.scalar else {
      throw MetricsExporterConfigurationError(field: field, reason: "must be a string")
    }
    return Self.isNull(node) ? "" : scalar.string
  }

  private static func isNull(_ node: Node) -> Bool {
    node.tag.description == Tag.Name.null.rawValue
  }

  private static func resolve(_ path: String, relativeTo directory: String) -> String {
    path.hasPrefix("/") ? path : directory + path
  }
}
