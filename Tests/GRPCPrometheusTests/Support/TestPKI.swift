import Crypto
import Foundation
import NIOSSL
// X509's PEM serialisation is SwiftASN1 API; swift-certificates brings the module in (NIOSSL's
// own tests import it the same way).
import SwiftASN1
import X509

/// A throw-away CA with a server certificate for `localhost` and a client certificate, generated
/// in the test and written as PEM files to a temporary directory for the exporter to load.
struct TestPKI: Sendable {
  let directory: String
  let caCertificateFile: String
  let serverCertificateFile: String
  let serverKeyFile: String
  let caCertificate: NIOSSLCertificate
  let clientCertificate: NIOSSLCertificate
  let clientKey: NIOSSLPrivateKey

  static func make() throws -> TestPKI {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("grpc-prometheus-pki-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(
      atPath: directory,
      withIntermediateDirectories: true
    )
    let now = Date()
    let caKey = P256.Signing.PrivateKey()
    let caName = try DistinguishedName { CommonName("grpc-prometheus test CA") }
    let ca = try Certificate(
      version: .v3,
      serialNumber: Certificate.SerialNumber(),
      publicKey: Certificate.PublicKey(caKey.publicKey),
      notValidBefore: now.addingTimeInterval(-3600),
      notValidAfter: now.addingTimeInterval(3600),
      issuer: caName,
      subject: caName,
      signatureAlgorithm: .ecdsaWithSHA256,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
        Critical(KeyUsage(keyCertSign: true))
      },
      issuerPrivateKey: Certificate.PrivateKey(caKey)
    )

    func leaf(
      _ commonName: String,
      usage: ExtendedKeyUsage.Usage,
      key: P256.Signing.PrivateKey
    ) throws -> Certificate {
      try Certificate(
        version: .v3,
        serialNumber: Certificate.SerialNumber(),
        publicKey: Certificate.PublicKey(key.publicKey),
        notValidBefore: now.addingTimeInterval(-3600),
        notValidAfter: now.addingTimeInterval(3600),
        issuer: caName,
        subject: try DistinguishedName { CommonName(commonName) },
        signatureAlgorithm: .ecdsaWithSHA256,
        extensions: try Certificate.Extensions {
          Critical(BasicConstraints.notCertificateAuthority)
          Critical(KeyUsage(digitalSignature: true))
          try ExtendedKeyUsage([usage])
          SubjectAlternativeNames([.dnsName(commonName)])
        },
        issuerPrivateKey: Certificate.PrivateKey(caKey)
      )
    }

    let serverKey = P256.Signing.PrivateKey()
    let server = try leaf("localhost", usage: .serverAuth, key: serverKey)
    let clientKey = P256.Signing.PrivateKey()
    let client = try leaf("prometheus", usage: .clientAuth, key: clientKey)

    let caPEM = try ca.serializeAsPEM().pemString
    let pki = TestPKI(
      directory: directory,
      caCertificateFile: directory + "/ca.pem",
      serverCertificateFile: directory + "/server.pem",
      serverKeyFile: directory + "/server-key.pem",
      caCertificate: try NIOSSLCertificate(bytes: Array(caPEM.utf8), format: .pem),
      clientCertificate: try NIOSSLCertificate(
        bytes: Array(try client.serializeAsPEM().pemString.utf8),
        format: .pem
      ),
      clientKey: try NIOSSLPrivateKey(bytes: Array(clientKey.pemRepresentation.utf8), format: .pem)
    )
    try caPEM.write(toFile: pki.caCertificateFile, atomically: true, encoding: .utf8)
    try server.serializeAsPEM().pemString.write(
      toFile: pki.serverCertificateFile,
      atomically: true,
      encoding: .utf8
    )
    try serverKey.pemRepresentation.write(
      toFile: pki.serverKeyFile,
      atomically: true,
      encoding: .utf8
    )
    return pki
  }

  /// A client context that trusts the test CA, optionally presenting the client certificate.
  func clientContext(presentingCertificate: Bool = false) throws -> NIOSSLContext {
    try self.clientContext(presentingCertificateOf: presentingCertificate ? self : nil)
  }

  /// A client context that trusts this CA and presents the client certificate of `issuer`'s CA
  /// (another `TestPKI` for a certificate this server's CA did not sign), or none.
  func clientContext(presentingCertificateOf issuer: TestPKI?) throws -> NIOSSLContext {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.trustRoots = .certificates([self.caCertificate])
    if let issuer {
      configuration.certificateChain = [.certificate(issuer.clientCertificate)]
      configuration.privateKey = .privateKey(issuer.clientKey)
    }
    return try NIOSSLContext(configuration: configuration)
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: self.directory)
  }
}
