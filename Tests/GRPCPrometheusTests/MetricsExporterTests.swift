import GRPCPrometheusExporter
import Logging
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import Testing

@Suite("Metrics exporter")
struct MetricsExporterTests {
  /// Runs an exporter for `registry` on a free port of 127.0.0.1 for the duration of `body`,
  /// through the single-registry initializer. promhttp's self-metrics are off unless asked for,
  /// so bodies can be compared exactly.
  static func withExporter(
    registry: PrometheusCollectorRegistry,
    configuration: MetricsExporterConfiguration = Self.configuration { _ in },
    _ body: @escaping @Sendable (Int) async throws -> Void
  ) async throws {
    let exporter = MetricsExporter(registry: registry, configuration: configuration)
    try await withTimeout(.seconds(60)) {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await exporter.run() }
        try await body(try await exporter.listeningPort)
        group.cancelAll()
      }
    }
  }

  /// 127.0.0.1, a free port, no self-metrics, adjusted by `adjust`.
  static func configuration(
    _ adjust: (inout MetricsExporterConfiguration) -> Void
  ) -> MetricsExporterConfiguration {
    var configuration = MetricsExporterConfiguration(host: "127.0.0.1", port: 0)
    configuration.servesHandlerMetrics = false
    adjust(&configuration)
    return configuration
  }

  static func registryWithOneCounter() -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    registry.makeCounter(
      descriptor: MetricNameDescriptor(metricName: "demo_total", unitName: "", helpText: "A demo.")
    ).increment(by: Int64(3))
    return registry
  }

  static let oneCounterExposition =
    "# HELP demo_total A demo.\n# TYPE demo_total counter\ndemo_total 3\n"

  /// A registry whose exposition is large enough for gzip to matter (about 30 KB).
  static func registryWithManySeries() -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    for index in 0 ..< 300 {
      registry.makeGauge(
        descriptor: MetricNameDescriptor(
          metricName: "demo_series",
          unitName: "",
          helpText: "Many series."
        ),
        labels: [("index", String(index)), ("kind", "repetitive")]
      ).set(Double(index))
    }
    return registry
  }

  @Test("GET on the metrics path serves text format 0.0.4")
  func getServesExposition() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port)
      #expect(response.status == .ok)
      #expect(response.headers["Content-Type"] == ["text/plain; version=0.0.4; charset=utf-8"])
      #expect(response.body == Self.oneCounterExposition)
      #expect(response.headers["Content-Length"] == [String(response.body.utf8.count)])
      #expect(response.headers["Content-Encoding"] == [])
    }
  }

  @Test("The single-registry initializer serves promhttp's self-metrics by default")
  func registryInitializerServesHandlerMetrics() async throws {
    let registry = Self.registryWithOneCounter()
    let exporter = MetricsExporter(
      registry: registry,
      configuration: MetricsExporterConfiguration(host: "127.0.0.1", port: 0)
    )
    try await withTimeout(.seconds(30)) {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await exporter.run() }
        let exposition = try await HTTPTestClient.scrape(port: try await exporter.listeningPort)
        #expect(exposition.value("demo_total") == 3)
        #expect(exposition.value("promhttp_metric_handler_requests_total", ["code": "200"]) == 0)
        #expect(exposition.value("promhttp_metric_handler_requests_in_flight") == 1)
        group.cancelAll()
      }
    }
  }

  @Test("A query string does not change the path")
  func queryStringIsIgnored() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, path: "/metrics?x=1")
      #expect(response.status == .ok)
    }
  }

  @Test("Additional paths serve the same exposition")
  func additionalPathsServe() async throws {
    try await Self.withExporter(
      registry: Self.registryWithOneCounter(),
      configuration: Self.configuration { $0.additionalPaths = ["/federate-me"] }
    ) { port in
      let response = try await HTTPTestClient.request(port: port, path: "/federate-me")
      #expect(response.status == .ok)
      #expect(response.body == Self.oneCounterExposition)
    }
  }

  @Test("HEAD answers GET's headers without a body")
  func headHasNoBody() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, method: .HEAD)
      #expect(response.status == .ok)
      #expect(response.body.isEmpty)
      #expect(response.wireBody.isEmpty)
      #expect(response.headers["Content-Length"] == ["65"])
      #expect(response.headers["Content-Type"] == ["text/plain; version=0.0.4; charset=utf-8"])
    }
  }

  @Test("Other paths answer 404", arguments: ["/", "/metricsx", "/favicon.ico"])
  func otherPathsAreNotFound(path: String) async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, path: path)
      #expect(response.status == .notFound)
      #expect(response.body == "Not Found. Metrics are served at /metrics\n")
    }
  }

  @Test("Other methods answer 405 with Allow", arguments: [HTTPMethod.POST, .PUT, .DELETE])
  func otherMethodsAreNotAllowed(method: HTTPMethod) async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(port: port, method: method)
      #expect(response.status == .methodNotAllowed)
      #expect(response.headers["Allow"] == ["GET, HEAD"])
    }
  }

  @Test("A kept-alive connection serves several scrapes")
  func keepAliveServesSeveralRequests() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let statuses = try await HTTPTestClient.withConnection(port: port) { connection in
        var statuses: [HTTPResponseStatus] = []
        for method in [HTTPMethod.GET, .HEAD, .GET] {
          let response = try await connection.request(method: method)
          #expect(response.headers["Connection"] == ["keep-alive"])
          statuses.append(response.status)
        }
        let last = try await connection.request(keepAlive: false)
        #expect(last.headers["Connection"] == ["close"])
        #expect(last.body == Self.oneCounterExposition)
        return statuses
      }
      #expect(statuses == [.ok, .ok, .ok])
    }
  }

  @Test("Accept-Encoding: gzip gets a gzip body that decodes to the identity exposition")
  func gzipDecodesToIdentity() async throws {
    try await Self.withExporter(registry: Self.registryWithManySeries()) { port in
      let identity = try await HTTPTestClient.request(port: port)
      let gzip = try await HTTPTestClient.request(
        port: port,
        headers: [("Accept-Encoding", "gzip")],
        transport: HTTPTestClient.Transport(decompresses: true)
      )
      #expect(identity.status == .ok)
      #expect(identity.headers["Content-Encoding"] == [])
      #expect(identity.headers["Vary"] == ["Accept-Encoding"])
      #expect(gzip.status == .ok)
      #expect(gzip.headers["Content-Encoding"] == ["gzip"])
      #expect(gzip.headers["Vary"] == ["Accept-Encoding"])
      #expect(gzip.headers["Content-Type"] == ["text/plain; version=0.0.4; charset=utf-8"])
      #expect(gzip.headers["Content-Length"] == [String(gzip.wireBody.count)])
      #expect(Array(gzip.wireBody.prefix(2)) == [0x1f, 0x8b])  // gzip magic
      #expect(gzip.wireBody.count * 5 < identity.wireBody.count)
      #expect(gzip.body == identity.body)
      #expect(identity.body.utf8.count == identity.wireBody.count)
    }
  }

  @Test(
    "Without gzip in Accept-Encoding the body is identity",
    arguments: ["gzip;q=0", "identity", "br"]
  )
  func identityUnlessGzipAccepted(acceptEncoding: String) async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let response = try await HTTPTestClient.request(
        port: port,
        headers: [("Accept-Encoding", acceptEncoding)]
      )
      #expect(response.headers["Content-Encoding"] == [])
      #expect(response.body == Self.oneCounterExposition)
    }
  }

  @Test("HEAD with gzip accepted has the GET's Content-Encoding and Content-Length, no body")
  func headWithGzipMatchesGet() async throws {
    try await Self.withExporter(registry: Self.registryWithManySeries()) { port in
      let get = try await HTTPTestClient.request(port: port, headers: [("Accept-Encoding", "gzip")])
      let head = try await HTTPTestClient.request(
        port: port,
        method: .HEAD,
        headers: [("Accept-Encoding", "gzip")]
      )
      #expect(head.status == .ok)
      #expect(head.headers["Content-Encoding"] == ["gzip"])
      #expect(head.headers["Content-Length"] == get.headers["Content-Length"])
      #expect(head.wireBody.isEmpty)
    }
  }

  @Test("compressesResponses = false serves identity even to gzip clients")
  func compressionCanBeTurnedOff() async throws {
    try await Self.withExporter(
      registry: Self.registryWithOneCounter(),
      configuration: Self.configuration { $0.compressesResponses = false }
    ) { port in
      let response = try await HTTPTestClient.request(
        port: port,
        headers: [("Accept-Encoding", "gzip")]
      )
      #expect(response.headers["Content-Encoding"] == [])
      #expect(response.headers["Vary"] == [])
      #expect(response.body == Self.oneCounterExposition)
    }
  }

  @Test("A header block over the limit answers 431 and the server keeps serving")
  func oversizedHeaderBlockIs431() async throws {
    try await Self.withExporter(
      registry: Self.registryWithOneCounter(),
      configuration: Self.configuration { $0.limits.maximumRequestHeaderBytes = 4096 }
    ) { port in
      let big = String(repeating: "a", count: 8192)
      let response = try await HTTPTestClient.request(port: port, headers: [("X-Big", big)])
      #expect(response.status == .requestHeaderFieldsTooLarge)
      #expect(response.headers["Connection"] == ["close"])
      #expect(response.body == "431 Request Header Fields Too Large\n")
      let next = try await HTTPTestClient.request(port: port)
      #expect(next.status == .ok)
      #expect(next.body == Self.oneCounterExposition)
    }
  }

  @Test("Too many header fields answer 431")
  func tooManyHeaderFieldsIs431() async throws {
    try await Self.withExporter(
      registry: Self.registryWithOneCounter(),
      configuration: Self.configuration { $0.limits.maximumRequestHeaderFields = 10 }
    ) { port in
      let headers = (0 ..< 20).map { ("X-Field-\($0)", "v") }
      let response = try await HTTPTestClient.request(port: port, headers: headers)
      #expect(response.status == .requestHeaderFieldsTooLarge)
      #expect(try await HTTPTestClient.request(port: port).status == .ok)
    }
  }

  @Test("A malformed request answers 400 and closes; the server keeps serving")
  func malformedRequestIs400() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let answer = try await RawTestClient.exchange(
        port: port,
        Array("BREW /metrics HTCPCP/1.0\r\nHost: x\r\n\r\n".utf8)
      )
      let text = String(decoding: answer, as: UTF8.self)
      #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
      #expect(text.hasSuffix("\r\n\r\n400 Bad Request\n"))
      #expect(try await HTTPTestClient.request(port: port).status == .ok)
    }
  }

  @Test("A client that shuts down its sending side after the request still gets the response")
  func halfClosingClientGetsTheResponse() async throws {
    try await Self.withExporter(registry: Self.registryWithOneCounter()) { port in
      let answer = try await RawTestClient.exchange(
        port: port,
        Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
        halfClose: true
      )
      let text = String(decoding: answer, as: UTF8.self)
      #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
      #expect(text.hasSuffix("\r\n\r\n" + Self.oneCounterExposition))
    }
  }

  @Test("A request body over the limit answers 413 and closes")
  func oversizedBodyIs413() async throws {
    try await Self.withExporter(
      registry: Self.registryWithOneCounter(),
      configuration: Self.configuration { $0.limits.maximumRequestBodyBytes = 16 }
    ) { port in
      let body = String(repeating: "b", count: 64)
      let request =
        "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
      let answer = try await RawTestClient.exchange(port: port, Array(request.utf8))
      let text = String(decoding: answer, as: UTF8.self)
      #expect(text.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"))
      #expect(text.contains("\r\nConnection: close\r\n"))
    }
  }

  @Test("Graceful shutdown stops the exporter")
  func gracefulShutdownReturns() async throws {
    let exporter = MetricsExporter(
      registry: Self.registryWithOneCounter(),
      configuration: MetricsExporterConfiguration(host: "127.0.0.1", port: 0)
    )
    let group = ServiceGroup(services: [exporter], logger: .init(label: "test"))
    try await withTimeout(.seconds(10)) {
      try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await exporter.listeningPort
        #expect(try await HTTPTestClient.request(port: port).status == .ok)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
      }
    }
  }

  @Test("Graceful shutdown lets a scrape in flight finish, then closes its connection")
  func gracefulShutdownFinishesInFlightScrape() async throws {
    let gated = GatedSource()
    let exporter = MetricsExporter(
      sources: [gated],
      configuration: ExporterHarness.local { $0.servesHandlerMetrics = false }
    )
    let group = ServiceGroup(services: [exporter], logger: .init(label: "test"))
    try await withTimeout(.seconds(20)) {
      try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await exporter.listeningPort
        let idle = try await RawTestClient.connect(port: port)
        async let inFlight = HTTPTestClient.withConnection(port: port) { connection in
          try await connection.request(keepAlive: true)
        }
        try await gated.waitUntilEntered(1)
        await group.triggerGracefulShutdown()
        // The idle connection is closed at once; the scrape is still held by the source.
        try await RawTestClient.waitForClose(idle, timeout: .seconds(5))
        gated.release()
        let response = try await inFlight
        #expect(response.status == .ok)
        #expect(response.body == "# HELP gated A gated source.\n# TYPE gated gauge\ngated 1\n")
        #expect(response.headers["Connection"] == ["close"])
        try await tasks.waitForAll()
      }
    }
  }
}
