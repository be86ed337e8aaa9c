import GRPCPrometheusExporter
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Testing

@Suite("Metrics exporter limits")
struct MetricsExporterLimitsTests {
  @Test("Scrapes beyond maximumConcurrentScrapes answer 503 and count under code 503")
  func concurrentScrapesBeyondTheLimitAre503() async throws {
    let gated = GatedSource()
    let configuration = ExporterHarness.local { $0.limits.maximumConcurrentScrapes = 2 }
    try await ExporterHarness.run(sources: [gated], configuration: configuration) { port in
      async let first = HTTPTestClient.request(port: port)
      async let second = HTTPTestClient.request(port: port)
      try await gated.waitUntilEntered(2)

      let third = try await HTTPTestClient.request(port: port)
      #expect(third.status == .serviceUnavailable)
      #expect(third.body == "Limit of concurrent requests reached (2), try again later.\n")

      gated.release()
      #expect(try await first.status == .ok)
      #expect(try await second.status == .ok)

      let exposition = try await HTTPTestClient.scrape(port: port)
      let total = "promhttp_metric_handler_requests_total"
      #expect(exposition.value(total, ["code": "200"]) == 2)
      #expect(exposition.value(total, ["code": "503"]) == 1)
      #expect(exposition.value(total, ["code": "500"]) == 0)
      #expect(exposition.value("promhttp_metric_handler_requests_in_flight") == 1)
    }
  }

  @Test("200 idle connections held open do not keep a scrape from succeeding within a second")
  func idleConnectionsDoNotStarveScrapes() async throws {
    let registry = MetricsExporterTests.registryWithOneCounter()
    try await ExporterHarness.run(sources: [registry]) { port in
      var idle: [any Channel] = []
      defer {
        for channel in idle {
          channel.close(promise: nil)
        }
      }
      for _ in 0 ..< 200 {
        idle.append(try await RawTestClient.connect(port: port))
      }
      let response = try await HTTPTestClient.request(port: port, timeout: .seconds(1))
      #expect(response.status == .ok)
      #expect(try Exposition(response.body).value("demo_total") == 3)
      let stillOpen = idle.filter { $0.isActive }.count
      #expect(stillOpen == 200)
    }
  }

  @Test("Beyond maximumConnections the connection idle longest is closed to make room")
  func connectionLimitRetiresTheLongestIdle() async throws {
    let registry = MetricsExporterTests.registryWithOneCounter()
    let configuration = ExporterHarness.local { $0.limits.maximumConnections = 3 }
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      var idle: [any Channel] = []
      defer {
        for channel in idle {
          channel.close(promise: nil)
        }
      }
      for _ in 0 ..< 3 {
        idle.append(try await RawTestClient.connect(port: port))
      }
      let response = try await HTTPTestClient.request(port: port, timeout: .seconds(1))
      #expect(response.status == .ok)
      try await RawTestClient.waitForClose(idle[0], timeout: .seconds(2))
      #expect(idle[1].isActive)
      #expect(idle[2].isActive)
    }
  }

  @Test("A connection that sends nothing is closed after the idle timeout")
  func idleTimeoutClosesSilentConnections() async throws {
    let registry = MetricsExporterTests.registryWithOneCounter()
    let configuration = ExporterHarness.local { $0.limits.idleTimeout = .milliseconds(300) }
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      let start = ContinuousClock.now
      let silent = try await RawTestClient.connect(port: port)
      try await RawTestClient.waitForClose(silent, timeout: .seconds(5))
      #expect(ContinuousClock.now - start >= .milliseconds(250))
    }
  }

  @Test("A kept-alive connection outlives gaps shorter than the idle timeout")
  func keepAliveSurvivesShortGaps() async throws {
    let registry = MetricsExporterTests.registryWithOneCounter()
    let configuration = ExporterHarness.local { $0.limits.idleTimeout = .seconds(2) }
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      let statuses = try await HTTPTestClient.withConnection(port: port) { connection in
        var statuses: [HTTPResponseStatus] = []
        for _ in 0 ..< 3 {
          statuses.append(try await connection.request().status)
          try await Task.sleep(for: .milliseconds(300))
        }
        return statuses
      }
      #expect(statuses == [.ok, .ok, .ok])
    }
  }

  @Test("A client that stops reading a large response is cut, so shutdown does not wait for it")
  func stalledReadersAreCut() async throws {
    let large = LargeSource(bytes: 8 << 20)
    let exporter = MetricsExporter(
      sources: [large],
      configuration: ExporterHarness.local { $0.limits.idleTimeout = .milliseconds(500) }
    )
    let group = ServiceGroup(services: [exporter], logger: Logger(label: "test"))
    try await withTimeout(.seconds(30)) {
      try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let port = try await exporter.listeningPort
        let reader = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
          .channelOption(.autoRead, value: false)
          .channelOption(.socketOption(.so_rcvbuf), value: 16 * 1024)
          .connect(host: "127.0.0.1", port: port)
          .get()
        defer { reader.close(promise: nil) }
        try await reader.writeAndFlush(
          ByteBuffer(string: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        )
        var emitted = large.emitted.makeAsyncIterator()
        _ = await emitted.next()
        // The response (8 MiB) outgrows the socket buffers and stalls. Shutdown waits for
        // connections with a response in flight, so it returns only because the exporter cuts
        // the one that stopped making progress.
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
      }
    }
  }

  @Test("A request trickled byte by byte is cut at the request timeout")
  func slowRequestsAreCut() async throws {
    let registry = MetricsExporterTests.registryWithOneCounter()
    let configuration = ExporterHarness.local {
      $0.limits.requestTimeout = .milliseconds(500)
      $0.limits.idleTimeout = .seconds(30)
    }
    try await ExporterHarness.run(sources: [registry], configuration: configuration) { port in
      let channel = try await RawTestClient.connect(port: port)
      let start = ContinuousClock.now
      try await channel.writeAndFlush(ByteBuffer(string: "GET /metrics HTTP/1.1\r\n"))
      var sent = 0
      while channel.isActive && ContinuousClock.now - start < .seconds(5) {
        // One header line every 50 ms: never idle, never complete.
        channel.writeAndFlush(ByteBuffer(string: "X-Slow-\(sent): 1\r\n"), promise: nil)
        sent += 1
        try await Task.sleep(for: .milliseconds(50))
      }
      try await RawTestClient.waitForClose(channel, timeout: .seconds(1))
      let elapsed = ContinuousClock.now - start
      #expect(elapsed >= .milliseconds(450))
      #expect(elapsed < .seconds(3))
      #expect(sent >= 2)  // header lines kept arriving until the cut
    }
  }
}
