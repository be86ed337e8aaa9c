import NIOCore
import NIOSSL

/// TLS for the metrics endpoint, as exporter-toolkit's `tls_server_config`: a certificate chain
/// and key from PEM files, and optionally client certificates checked against a CA file.
///
/// The files are read and the TLS context is built when the value is created, so a missing file,
/// a key that does not parse or an inconsistent client-authentication setting fails at start-up
/// with a ``MetricsExporterConfigurationError`` naming the field, not at the first scrape. Files
/// are read once: restart the exporter to pick up a renewed certificate.
public struct MetricsTLSConfiguration: Sendable, Hashable {
  /// Whether and how clients must present certificates: Go's `tls.ClientAuthType` names, which
  /// exporter-toolkit's `client_auth_type` uses.
  public enum ClientAuthentication: String, Sendable, Hashable, CaseIterable {
    /// No client certificate is asked for (the default).
    case noClientCert = "NoClientCert"
    /// A certificate is asked for but not required, and not verified.
    case requestClientCert = "RequestClientCert"
    /// A certificate is required but not verified.
    case requireAnyClientCert = "RequireAnyClientCert"
    /// A certificate is optional; one that is sent must chain to `client_ca_file`.
    case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
    /// A certificate is required and must chain to `client_ca_file` (mutual TLS).
    case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

    /// Whether this mode checks certificates against a CA, and so needs `client_ca_file`.
    var verifiesCertificates: Bool {
      self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert
    }
  }

  /// TLS protocol versions, spelled as exporter-toolkit's `min_version` and `max_version`.
  public enum Version: String, Sendable, Hashable, CaseIterable {
    /// TLS 1.0, for old clients only.
    case tls10 = "TLS10"
    /// TLS 1.1, for old clients only.
    case tls11 = "TLS11"
    /// TLS 1.2, exporter-toolkit's default minimum.
    case tls12 = "TLS12"
    /// TLS 1.3.
    case tls13 = "TLS13"

    /// Position in protocol order, for checking `min_version` against `max_version`.
    var rank: Int { Self.allCases.firstIndex(of: self)! }

    var nioVersion: TLSVersion {
      switch self {
      case .tls10: .tlsv1
      case .tls11: .tlsv11
      case .tls12: .tlsv12
      case .tls13: .tlsv13
      }
    }
  }

  /// The PEM file with the server certificate, followed by any intermediates (`cert_file`).
  public let certificateFile: String
  /// The PEM file with the certificate's private key (`key_file`).
  public let keyFile: String
  /// Client certificate policy (`client_auth_type`).
  /// Default: ``ClientAuthentication/noClientCert``.
  public let clientAuthentication: ClientAuthentication
  /// The PEM file with the CAs that client certificates must chain to (`client_ca_file`).
  public let clientCAFile: String?
  /// The lowest TLS version accepted (`min_version`). Default: ``Version/tls12``, as
  /// exporter-toolkit.
  public let minimumVersion: Version
  /// The highest TLS version offered (`max_version`). Default: `nil`, the newest supported.
  public let maximumVersion: Version?

  /// Built once from the files above; shared by every connection.
  let context: NIOSSLContext

  /// Loads the certificate, key and CA files and checks that the settings fit together.
  ///
  /// - Throws: ``MetricsExporterConfigurationError`` naming the field at fault, e.g.
  ///   `tls_server_config.key_file` for an unreadable key, or `tls_server_config.client_ca_file`
  ///   when a verifying ``ClientAuthentication`` has no CA file.
  public init(
    certificateFile: String,
    keyFile: String,
    clientAuthentication: ClientAuthentication = .noClientCert,
    clientCAFile: String? = nil,
    minimumVersion: Version = .tls12,
    maximumVersion: Version? = nil
  ) throws {
    typealias Failure = MetricsExporterConfigurationError
    let certificates: [NIOSSLCertificate]
    do {
      certificates = try NIOSSLCertificate.fromPEMFile(certificateFile)
    } catch {
      throw Failure(
        field: "tls_server_config.cert_file",
        reason: "cannot load a PEM certificate from \"\(certificateFile)\": \(error)"
      )
    }
    guard !certificates.isEmpty else {
      throw Failure(
        field: "tls_server_config.cert_file",
        reason: "\"\(certificateFile)\" holds no PEM certificate"
      )
    }
    let key: NIOSSLPrivateKey
    do {
      key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
    } catch {
      throw Failure(
        field: "tls_server_config.key_file",
        reason: "cannot load a PEM private key from \"\(keyFile)\": \(error)"
      )
    }
    var clientCAs: [NIOSSLCertificate] = []
    if let clientCAFile {
      guard clientAuthentication != .noClientCert else {
        throw Failure(
          field: "tls_server_config.client_ca_file",
          reason: "set without a client_auth_type that asks for client certificates"
        )
      }
      do {
        clientCAs = try NIOSSLCertificate.fromPEMFile(clientCAFile)
      } catch {
        throw Failure(
          field: "tls_server_config.client_ca_file",
          reason: "cannot load PEM certificates from \"\(clientCAFile)\": \(error)"
        )
      }
      guard !clientCAs.isEmpty else {
        throw Failure(
          field: "tls_server_config.client_ca_file",
          reason: "\"\(clientCAFile)\" holds no PEM certificate"
        )
      }
    } else if clientAuthentication.verifiesCertificates {
      throw Failure(
        field: "tls_server_config.client_ca_file",
        reason: "required when client_auth_type is \(clientAuthentication.rawValue)"
      )
    }
    if let maximumVersion, maximumVersion.rank < minimumVersion.rank {
      throw Failure(
        field: "tls_server_config.max_version",
        reason: "\(maximumVersion.rawValue) is below min_version \(minimumVersion.rawValue)"
      )
    }

    var tls = TLSConfiguration.makeServerConfiguration(
      certificateChain: certificates.map { .certificate($0) },
      privateKey: .privateKey(key)
    )
    tls.minimumTLSVersion = minimumVersion.nioVersion
    tls.maximumTLSVersion = maximumVersion?.nioVersion
    switch clientAuthentication {
    case .noClientCert:
      tls.certificateVerification = .none
    case .requestClientCert:
      tls.certificateVerification = .optionalVerification
    case .verifyClientCertIfGiven:
      tls.certificateVerification = .optionalVerification
    case .requireAnyClientCert, .requireAndVerifyClientCert:
      tls.certificateVerification = .noHostnameVerification
    }
    if !clientCAs.isEmpty {
      tls.trustRoots = .certificates(clientCAs)
      tls.sendCANameList = true
    }
    do {
      self.context = try NIOSSLContext(configuration: tls)
    } catch {
      throw Failure(
        field: "tls_server_config.key_file",
        reason: "the key in \"\(keyFile)\" cannot serve the certificate in "
          + "\"\(certificateFile)\": \(error)"
      )
    }
    self.certificateFile = certificateFile
    self.keyFile = keyFile
    self.clientAuthentication = clientAuthentication
    self.clientCAFile = clientCAFile
    self.minimumVersion = minimumVersion
    self.maximumVersion = maximumVersion
  }

  /// The TLS handler for one accepted connection. Modes that take a certificate without
  /// verifying it accept whatever chain the client sends, as Go's `tls` package does.
  func makeServerHandler() -> NIOSSLServerHandler {
    switch self.clientAuthentication {
    case .requestClientCert, .requireAnyClientCert:
      return NIOSSLServerHandler(context: self.context) { _, promise in
        promise.succeed(.certificateVerified)
      }
    case .noClientCert, .verifyClientCertIfGiven, .requireAndVerifyClientCert:
      return NIOSSLServerHandler(context: self.context)
    }
  }

  /// Equal when built from the same files and settings (file contents are not compared).
  public static func == (lhs: MetricsTLSConfiguration, rhs: MetricsTLSConfiguration) -> Bool {
    lhs.certificateFile == rhs.certificateFile && lhs.keyFile == rhs.keyFile
      && lhs.clientAuthentication == rhs.clientAuthentication
      && lhs.clientCAFile == rhs.clientCAFile && lhs.minimumVersion == rhs.minimumVersion
      && lhs.maximumVersion == rhs.maximumVersion
  }

  /// Hashes the same fields `==` compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(self.certificateFile)
    hasher.combine(self.keyFile)
    hasher.combine(self.clientAuthentication)
    hasher.combine(self.clientCAFile)
    hasher.combine(self.minimumVersion)
    hasher.combine(self.maximumVersion)
  }
}
