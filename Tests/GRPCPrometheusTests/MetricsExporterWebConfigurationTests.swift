import Foundation
import GRPCPrometheusExporter
import Testing

@Suite("Metrics exporter web configuration")
struct MetricsExporterWebConfigurationTests {
  static let hash = "$2y$06$ABCDEFGHIJKLMNOPQRSTUutjyZzFCNpbIed9Hi.n7ZKqFVlMJ6oq."

  /// Expects `body` to throw a configuration error with exactly this field and description.
  static func expectError(
    field: String,
    description: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
  ) {
    do {
      try body()
      Issue.record("expected an error for \(field)", sourceLocation: sourceLocation)
    } catch let error as MetricsExporterConfigurationError {
      #expect(error.field == field, sourceLocation: sourceLocation)
      #expect(error.description == description, sourceLocation: sourceLocation)
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }

  @Test("A web configuration file with TLS and users loads, relative to its directory")
  func fileLoads() throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    let path = pki.directory + "/web.yml"
    try """
    # exporter-toolkit format
    tls_server_config:
      cert_file: server.pem
      key_file: server-key.pem
      client_auth_type: VerifyClientCertIfGiven
      client_ca_file: \(pki.caCertificateFile)
      min_version: TLS13
    basic_auth_users:
      prometheus: \(Self.hash)
      grafana: $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW
    """.write(toFile: path, atomically: true, encoding: .utf8)

    let web = try MetricsWebConfiguration(contentsOfFile: path)
    let tls = try #require(web.tls)
    #expect(tls.certificateFile == pki.serverCertificateFile)
    #expect(tls.keyFile == pki.serverKeyFile)
    #expect(tls.clientAuthentication == .verifyClientCertIfGiven)
    #expect(tls.clientCAFile == pki.caCertificateFile)
    #expect(tls.minimumVersion == .tls13)
    #expect(tls.maximumVersion == nil)
    let auth = try #require(web.basicAuth)
    #expect(auth.users.keys.sorted() == ["grafana", "prometheus"])
    #expect(auth.users["prometheus"]?.encoded == Self.hash)
    #expect(auth.users["prometheus"]?.cost == 6)
    #expect(auth.users["grafana"]?.verify("U*U") == true)
    #expect(auth.realm == "metrics")
  }

  @Test("An empty document, or empty sections, configure plain HTTP without authentication")
  func emptyConfigurations() throws {
    for yaml in ["", "---\n", "tls_server_config:\nbasic_auth_users: {}\n"] {
      let web = try MetricsWebConfiguration(yaml: yaml)
      #expect(web == MetricsWebConfiguration())
    }
  }

  @Test("An unknown client_auth_type fails, naming the field and the choices")
  func unknownClientAuthType() {
    Self.expectError(
      field: "tls_server_config.client_auth_type",
      description: "tls_server_config.client_auth_type: unknown \"RequireSomething\"; expected one"
        + " of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven,"
        + " RequireAndVerifyClientCert"
    ) {
      _ = try MetricsWebConfiguration(
        yaml: """
          tls_server_config:
            cert_file: /nonexistent/server.pem
            key_file: /nonexistent/server-key.pem
            client_auth_type: RequireSomething
          """
      )
    }
  }

  @Test("A missing certificate file fails, naming cert_file")
  func missingCertificateFile() {
    do {
      _ = try MetricsWebConfiguration(
        yaml: "tls_server_config:\n  cert_file: missing.pem\n  key_file: missing-key.pem\n",
        relativeTo: "/nonexistent/"
      )
      Issue.record("expected an error")
    } catch let error as MetricsExporterConfigurationError {
      #expect(error.field == "tls_server_config.cert_file")
      #expect(
        error.description.hasPrefix(
          "tls_server_config.cert_file: cannot load a PEM certificate from "
            + "\"/nonexistent/missing.pem\""
        )
      )
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test("A missing key file fails, naming key_file")
  func missingKeyFile() throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    #expect {
      _ = try MetricsTLSConfiguration(
        certificateFile: pki.serverCertificateFile,
        keyFile: pki.directory + "/nope.pem"
      )
    } throws: { error in
      (error as? MetricsExporterConfigurationError)?.field == "tls_server_config.key_file"
    }
  }

  @Test("cert_file without key_file fails, naming key_file")
  func certificateWithoutKey() {
    Self.expectError(
      field: "tls_server_config.key_file",
      description: "tls_server_config.key_file: required with cert_file"
    ) {
      _ = try MetricsWebConfiguration(yaml: "tls_server_config:\n  cert_file: server.pem\n")
    }
  }

  @Test("A verifying client_auth_type without client_ca_file fails, naming client_ca_file")
  func verificationWithoutCA() throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    Self.expectError(
      field: "tls_server_config.client_ca_file",
      description: "tls_server_config.client_ca_file: required when client_auth_type is"
        + " RequireAndVerifyClientCert"
    ) {
      _ = try MetricsTLSConfiguration(
        certificateFile: pki.serverCertificateFile,
        keyFile: pki.serverKeyFile,
        clientAuthentication: .requireAndVerifyClientCert
      )
    }
    Self.expectError(
      field: "tls_server_config.client_ca_file",
      description:
        "tls_server_config.client_ca_file: set without a client_auth_type that asks for client"
        + " certificates"
    ) {
      _ = try MetricsTLSConfiguration(
        certificateFile: pki.serverCertificateFile,
        keyFile: pki.serverKeyFile,
        clientCAFile: pki.caCertificateFile
      )
    }
  }

  @Test("max_version below min_version fails, naming max_version")
  func versionsOutOfOrder() throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    Self.expectError(
      field: "tls_server_config.max_version",
      description: "tls_server_config.max_version: TLS12 is below min_version TLS13"
    ) {
      _ = try MetricsTLSConfiguration(
        certificateFile: pki.serverCertificateFile,
        keyFile: pki.serverKeyFile,
        minimumVersion: .tls13,
        maximumVersion: .tls12
      )
    }
  }

  @Test("A password that is not a bcrypt hash fails, naming the user")
  func badHash() {
    Self.expectError(
      field: "basic_auth_users.alice",
      description: "basic_auth_users.alice: not a bcrypt hash: a bcrypt hash has 60 characters,"
        + " this has 8"
    ) {
      _ = try MetricsWebConfiguration(yaml: "basic_auth_users:\n  alice: hunter22\n")
    }
  }

  @Test("Keys this exporter does not implement are refused, not ignored")
  func unsupportedKeys() {
    Self.expectError(
      field: "tls_server_config.cipher_suites",
      description: "tls_server_config.cipher_suites: not supported by this exporter"
    ) {
      _ = try MetricsWebConfiguration(
        yaml: "tls_server_config:\n  cipher_suites: TLS_AES_128_GCM_SHA256\n"
      )
    }
    Self.expectError(
      field: "http_server_config",
      description: "http_server_config: not supported by this exporter"
    ) {
      _ = try MetricsWebConfiguration(yaml: "http_server_config:\n  http2: false\n")
    }
  }

  @Test("Malformed YAML and a missing file name the file")
  func unreadableDocuments() {
    #expect {
      _ = try MetricsWebConfiguration(yaml: "tls_server_config: [unclosed\n")
    } throws: { error in
      (error as? MetricsExporterConfigurationError)?.field == "web_config_file"
    }
    Self.expectError(
      field: "web_config_file",
      description: "web_config_file: cannot read \"/nonexistent/web.yml\": open: No such file or"
        + " directory"
    ) {
      _ = try MetricsWebConfiguration(contentsOfFile: "/nonexistent/web.yml")
    }
    Self.expectError(field: "web_config_file", description: "web_config_file: must be a mapping") {
      _ = try MetricsWebConfiguration(yaml: "- a\n- b\n")
    }
  }

  @Test("A user name with a colon is refused")
  func userNameWithColon() {
    Self.expectError(
      field: "basic_auth_users.a:b",
      description: "basic_auth_users.a:b: a user name must be non-empty and cannot contain ':'"
    ) {
      _ = try MetricsBasicAuthConfiguration(hashedPasswords: ["a:b": Self.hash])
    }
  }
}
