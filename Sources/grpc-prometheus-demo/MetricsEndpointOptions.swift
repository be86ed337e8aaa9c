import ArgumentParser
import GRPCPrometheusExporter

/// Flags that secure the `/metrics` endpoint: TLS from PEM files, basic authentication, or a
/// Prometheus exporter-toolkit web configuration file with both.
///
/// `--metrics-web-config` is read first; `--metrics-tls-cert`/`--metrics-tls-key` then replace its
/// `tls_server_config`, and each `--metrics-basic-auth` adds (or replaces) one user.
struct MetricsEndpointOptions: ParsableArguments {
  @Option(
    name: .customLong("metrics-tls-cert"),
    help: ArgumentHelp(
      "PEM certificate (then any intermediates) for HTTPS on the metrics endpoint.",
      valueName: "FILE"
    )
  )
  var tlsCertificateFile: String?

  @Option(
    name: .customLong("metrics-tls-key"),
    help: ArgumentHelp("PEM private key of --metrics-tls-cert.", valueName: "FILE")
  )
  var tlsKeyFile: String?

  @Option(
    name: .customLong("metrics-basic-auth"),
    help: ArgumentHelp(
      "A user allowed to scrape, as user:password (repeatable). The password is visible in the "
        + "process list; prefer bcrypt hashes in --metrics-web-config outside demos.",
      valueName: "user:password"
    )
  )
  var basicAuthUsers: [String] = []

  @Option(
    name: .customLong("metrics-web-config"),
    help: ArgumentHelp(
      "Prometheus exporter-toolkit web configuration (YAML: tls_server_config, basic_auth_users "
        + "with bcrypt hashes).",
      valueName: "FILE"
    )
  )
  var webConfigFile: String?

  func validate() throws {
    if (self.tlsCertificateFile == nil) != (self.tlsKeyFile == nil) {
      throw ValidationError("--metrics-tls-cert and --metrics-tls-key must be given together.")
    }
    for entry in self.basicAuthUsers {
      guard let colon = entry.firstIndex(of: ":"), colon != entry.startIndex else {
        throw ValidationError("--metrics-basic-auth takes user:password, got '\(entry)'.")
      }
    }
  }

  /// The exporter configuration for `host`:`port` with these flags applied.
  ///
  /// - Throws: `MetricsExporterConfigurationError` naming the field at fault, for example a
  ///   missing certificate file or a bad hash in the web configuration file.
  func exporterConfiguration(host: String, port: Int) throws -> MetricsExporterConfiguration {
    var web = MetricsWebConfiguration()
    if let webConfigFile = self.webConfigFile {
      web = try MetricsWebConfiguration(contentsOfFile: webConfigFile)
    }
    if let certificateFile = self.tlsCertificateFile, let keyFile = self.tlsKeyFile {
      web.tls = try MetricsTLSConfiguration(certificateFile: certificateFile, keyFile: keyFile)
    }
    if !self.basicAuthUsers.isEmpty {
      var users = web.basicAuth?.users ?? [:]
      for entry in self.basicAuthUsers {
        let (user, password) = Self.split(entry)
        // Hash at once so the configuration, like a web configuration file, holds no password.
        users[user] = BcryptHash(hashing: password)
      }
      web.basicAuth = try MetricsBasicAuthConfiguration(users: users)
    }
    return MetricsExporterConfiguration(host: host, port: port, web: web)
  }

  /// `user:password` split at the first colon (passwords may contain colons, user names not).
  private static func split(_ entry: String) -> (user: String, password: String) {
    guard let colon = entry.firstIndex(of: ":") else { return (entry, "") }
    return (String(entry[..<colon]), String(entry[entry.index(after: colon)...]))
  }
}
