import Foundation
import GRPCPrometheusExporter
import NIOHTTP1
import Testing

@Suite("Metrics exporter TLS and basic auth")
struct MetricsExporterSecurityTests {
  static func basicAuthorization(_ user: String, _ password: String) -> (String, String) {
    ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
  }

  @Test("With TLS a scrape over TLS works and plaintext HTTP is refused")
  func tlsServesAndRefusesPlaintext() async throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    let tls = try MetricsTLSConfiguration(
      certificateFile: pki.serverCertificateFile,
      keyFile: pki.serverKeyFile
    )
    let configuration = ExporterHarness.local {
      $0.web.tls = tls
      $0.servesHandlerMetrics = false
    }
    let registry = MetricsExporterTests.registryWithOneCounter()
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      let transport = HTTPTestClient.Transport(tls: try pki.clientContext())
      let response = try await HTTPTestClient.request(port: port, transport: transport)
      #expect(response.status == .ok)
      #expect(response.body == MetricsExporterTests.oneCounterExposition)

      let answer = try await RawTestClient.exchange(
        port: port,
        Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
      )
      #expect(!String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/"))
      #expect(!String(decoding: answer, as: UTF8.self).contains("demo_total"))
      await #expect(throws: (any Error).self) {
        _ = try await HTTPTestClient.request(port: port, timeout: .seconds(5))
      }
    }
  }

  @Test("Basic auth over TLS: missing or wrong credentials get 401, right ones 200")
  func basicAuthOverTLS() async throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    let web = MetricsWebConfiguration(
      tls: try MetricsTLSConfiguration(
        certificateFile: pki.serverCertificateFile,
        keyFile: pki.serverKeyFile
      ),
      basicAuth: try MetricsBasicAuthConfiguration(
        users: ["prometheus": BcryptHash(hashing: "s3cret:with:colons", cost: 4)]
      )
    )
    let configuration = ExporterHarness.local {
      $0.web = web
      $0.servesHandlerMetrics = false
    }
    let registry = MetricsExporterTests.registryWithOneCounter()
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      let transport = HTTPTestClient.Transport(tls: try pki.clientContext())
      let refusals: [[(String, String)]] = [
        [],
        [Self.basicAuthorization("prometheus", "wrong")],
        [Self.basicAuthorization("mallory", "s3cret:with:colons")],
        [Self.basicAuthorization("prometheus", "s3cret")],
        [("Authorization", "Bearer s3cret:with:colons")],
        [("Authorization", "Basic !!!")],
      ]
      for headers in refusals {
        let response = try await HTTPTestClient.request(
          port: port,
          headers: headers,
          transport: transport
        )
        #expect(response.status == .unauthorized, "\(headers)")
        #expect(response.headers["WWW-Authenticate"] == ["Basic realm=\"metrics\""])
        #expect(!response.body.contains("demo_total"))
      }
      let unknownPath = try await HTTPTestClient.request(
        port: port,
        path: "/secret",
        transport: transport
      )
      #expect(unknownPath.status == .unauthorized)

      let right = [Self.basicAuthorization("prometheus", "s3cret:with:colons")]
      for _ in 0 ..< 2 {  // the second check is answered from the cache
        let response = try await HTTPTestClient.request(
          port: port,
          headers: right,
          transport: transport
        )
        #expect(response.status == .ok)
        #expect(response.body == MetricsExporterTests.oneCounterExposition)
      }
      let lowercaseScheme = [
        (
          "Authorization",
          "basic " + Data("prometheus:s3cret:with:colons".utf8).base64EncodedString()
        )
      ]
      let response = try await HTTPTestClient.request(
        port: port,
        headers: lowercaseScheme,
        transport: transport
      )
      #expect(response.status == .ok)
    }
  }

  @Test("Basic auth without TLS answers 401 on plain HTTP too")
  func basicAuthOverPlainHTTP() async throws {
    let configuration = try ExporterHarness.local {
      $0.web.basicAuth = try MetricsBasicAuthConfiguration(
        users: ["u": BcryptHash("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")],
        realm: "scrapes"
      )
    }
    let registry = MetricsExporterTests.registryWithOneCounter()
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      let denied = try await HTTPTestClient.request(port: port, method: .HEAD)
      #expect(denied.status == .unauthorized)
      #expect(denied.headers["WWW-Authenticate"] == ["Basic realm=\"scrapes\""])
      #expect(denied.wireBody.isEmpty)
      let allowed = try await HTTPTestClient.request(
        port: port,
        headers: [Self.basicAuthorization("u", "U*U")]
      )
      #expect(allowed.status == .ok)
    }
  }

  @Test("RequireAndVerifyClientCert: a client without a certificate from the CA is refused")
  func mutualTLS() async throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    let tls = try MetricsTLSConfiguration(
      certificateFile: pki.serverCertificateFile,
      keyFile: pki.serverKeyFile,
      clientAuthentication: .requireAndVerifyClientCert,
      clientCAFile: pki.caCertificateFile,
      minimumVersion: .tls13
    )
    let configuration = ExporterHarness.local {
      $0.web.tls = tls
      $0.servesHandlerMetrics = false
    }
    let registry = MetricsExporterTests.registryWithOneCounter()
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      let withCertificate = HTTPTestClient.Transport(
        tls: try pki.clientContext(presentingCertificate: true)
      )
      let response = try await HTTPTestClient.request(port: port, transport: withCertificate)
      #expect(response.status == .ok)
      #expect(response.body == MetricsExporterTests.oneCounterExposition)

      let without = HTTPTestClient.Transport(tls: try pki.clientContext())
      await #expect(throws: (any Error).self) {
        _ = try await HTTPTestClient.request(port: port, transport: without, timeout: .seconds(5))
      }
    }
  }

  /// Which clients each `client_auth_type` lets scrape: one without a certificate, one with a
  /// certificate from a CA the server does not know, one with a certificate from its CA.
  @Test(
    "Client certificate policies admit the clients Go's tls.ClientAuthType would",
    arguments: [
      (MetricsTLSConfiguration.ClientAuthentication.requestClientCert, [true, true, true]),
      (.requireAnyClientCert, [false, true, true]),
      (.verifyClientCertIfGiven, [true, false, true]),
      (.requireAndVerifyClientCert, [false, false, true]),
    ]
  )
  func clientCertificatePolicies(
    policy: MetricsTLSConfiguration.ClientAuthentication,
    admitted: [Bool]
  ) async throws {
    let pki = try TestPKI.make()
    let foreign = try TestPKI.make()
    defer {
      pki.remove()
      foreign.remove()
    }
    let tls = try MetricsTLSConfiguration(
      certificateFile: pki.serverCertificateFile,
      keyFile: pki.serverKeyFile,
      clientAuthentication: policy,
      clientCAFile: policy.rawValue.contains("Verify") ? pki.caCertificateFile : nil
    )
    let configuration = ExporterHarness.local { $0.web.tls = tls }
    try await ExporterHarness.run(sources: [], configuration: configuration) { port in
      var outcomes: [Bool] = []
      for issuer in [nil, foreign, pki] {
        let transport = HTTPTestClient.Transport(
          tls: try pki.clientContext(presentingCertificateOf: issuer)
        )
        do {
          let response = try await HTTPTestClient.request(
            port: port,
            transport: transport,
            timeout: .seconds(5)
          )
          outcomes.append(response.status == .ok)
        } catch {
          outcomes.append(false)
        }
      }
      #expect(outcomes == admitted)
    }
  }

  @Test("A key that does not match the certificate fails at construction, naming key_file")
  func mismatchedKeyIsRefused() throws {
    let pki = try TestPKI.make()
    defer { pki.remove() }
    let otherKey = pki.directory + "/other-key.pem"
    let otherPKI = try TestPKI.make()
    defer { otherPKI.remove() }
    try FileManager.default.copyItem(atPath: otherPKI.serverKeyFile, toPath: otherKey)
    #expect {
      _ = try MetricsTLSConfiguration(certificateFile: pki.serverCertificateFile, keyFile: otherKey)
    } throws: { error in
      (error as? MetricsExporterConfigurationError)?.field == "tls_server_config.key_file"
    }
  }
}
