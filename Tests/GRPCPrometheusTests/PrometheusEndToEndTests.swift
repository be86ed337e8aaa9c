import EchoService
import Foundation
import GRPCCore
import GRPCPrometheus
import Prometheus
import Synchronization
import Testing

extension RealNetworkTests {
  /// What Prometheus and Grafana users see: a real Prometheus scraping the real endpoint.
  @Suite("End to end with a real Prometheus", .serialized)
  struct PrometheusEndToEndTests {
    /// The demo's server options: histogram on, BentoML-shaped families for service `echo`.
    static var demoServerOptions: ServerMetricsOptions {
      var options = ServerMetricsOptions()
      options.handlingTimeHistogram = .grpcDefault
      options.apiServerMetrics = APIServerMetricsOptions(
        serviceName: "echo",
        serviceVersion: "0.1.0"
      )
      return options
    }

    static var clientOptions: ClientMetricsOptions {
      var options = ClientMetricsOptions()
      options.handlingTimeHistogram = .grpcDefault
      options.messageReceiveTimeHistogram = .grpcDefault
      options.messageSendTimeHistogram = .grpcDefault
      return options
    }

    /// Counts of what the load sent, by the code it asked for.
    final class SentCounts: Sendable {
      let ok = Atomic<Int>(0)
      let notFound = Atomic<Int>(0)
      /// Set to end the load between rounds, so no call is cut off half-way.
      let stop = Atomic<Bool>(false)
    }

    /// One round of mixed traffic: three OK unary calls, one NOT_FOUND, and one of each stream.
    static func round(
      _ echo: Echo_V1_Echo.Client<some ClientTransport>,
      _ sent: SentCounts
    ) async throws {
      for _ in 0 ..< 3 {
        _ = try await echo.get(Echo_V1_EchoRequest("hi"))
      }
      try await expectCode(.notFound) { try await echo.get(Echo_V1_EchoRequest("error:NOT_FOUND")) }
      _ = try await echo.collect { try await $0.write(Echo_V1_EchoRequest("a")) }
      try await echo.expand(Echo_V1_EchoRequest("2")) { for try await _ in $0.messages {} }
      try await echo.update {
        try await $0.write(Echo_V1_EchoRequest("u"))
      } onResponse: {
        for try await _ in $0.messages {}
      }
      sent.ok.add(6, ordering: .relaxed)
      sent.notFound.add(1, ordering: .relaxed)
    }

    @Test(
      "Prometheus scrapes the server under load; PromQL, the seed's queries and every dashboard and rule expression answer"
    )
    func prometheusAnswersUnderLoad() async throws {
      let registry = PrometheusCollectorRegistry()
      let client = try ClientMetricsInterceptor(
        registry: registry,
        methods: Echo_V1_Echo.Method.descriptors,
        options: Self.clientOptions
      )
      try await EchoTestEnvironment.run(
        options: Self.demoServerOptions,
        clientInterceptors: [client],
        registry: registry
      ) { env in
        let prometheus = try await PrometheusServer(jobs: ["grpc-demo": env.metricsPort])
        defer { prometheus.stop() }
        let sent = SentCounts()

        // Load until Prometheus has at least a few scrapes of it (the first comes ~5 s after start).
        let loadStart = Date()
        let load = Task {
          while !sent.stop.load(ordering: .relaxed) {
            try await Self.round(env.client, sent)
            try await Task.sleep(for: .milliseconds(20))
          }
        }
        try await prometheus.waitForScrapes(
          after: loadStart.addingTimeInterval(4),
          timeout: .seconds(40)
        )
        sent.stop.store(true, ordering: .relaxed)
        try await load.value
        // One more scrape after the load stopped, so totals are final.
        try await prometheus.waitForScrapes(after: Date().addingTimeInterval(1.2))

        #expect(try await prometheus.query("up{job=\"grpc-demo\"}").map(\.value) == [1])
        let rate = try await prometheus.query("sum(rate(grpc_server_handled_total[30s]))")
        #expect(rate.count == 1 && rate[0].value > 0, "\(rate)")

        let p99 = try await prometheus.query(
          "histogram_quantile(0.99, sum by (le) (rate(grpc_server_handling_seconds_bucket[30s])))"
        )
        let latency = try #require(p99.first?.value)
        #expect(latency.isFinite && latency > 0 && latency <= 10, "p99 = \(latency)")

        // Per-code totals equal what the load sent.
        let byCode = try await prometheus.query(
          "sum by (grpc_code) (grpc_server_handled_total{job=\"grpc-demo\"})"
        )
        let codes = Dictionary(
          uniqueKeysWithValues: byCode.map { ($0.labels["grpc_code"] ?? "", $0.value) }
        )
        let okSent = Double(sent.ok.load(ordering: .relaxed))
        let notFoundSent = Double(sent.notFound.load(ordering: .relaxed))
        #expect(codes["NotFound"] == notFoundSent)
        #expect(codes["OK"] == okSent)
        #expect(codes.count == 17)
        #expect(
          codes.filter { !["OK", "NotFound"].contains($0.key) }.values.allSatisfy { $0 == 0 }
        )

        // The seed's BentoML queries.
        let bentoRate = try await prometheus.query(
          "rate(bentoml_api_server_request_total{service_name=\"echo\"}[1m])"
        )
        #expect(!bentoRate.isEmpty)
        let bentoP99 = try await prometheus.query(
          "histogram_quantile(0.99, rate(bentoml_api_server_request_duration_seconds_bucket[1m]))"
        )
        #expect(!bentoP99.isEmpty)

        // Every expression of the dashboard and the rule files.
        let lister = try ChildProcess(
          "/usr/bin/env",
          ["python3", "scripts/list-dashboard-queries.py"]
        )
        #expect(try await lister.waitForExit(timeout: .seconds(30)) == 0, "\(lister.standardError)")
        let entries = lister.standardOutput.split(separator: "\n").compactMap {
          try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        #expect(entries.count > 40)
        for entry in entries {
          let source = entry["source"] ?? "?"
          let expression = entry["expr"] ?? ""
          do {
            let result = try await prometheus.query(expression)
            // Alert expressions are conditions: empty means "not firing", which is fine.
            let isAlert = Self.alertNames.contains { source.hasSuffix(":\($0)") }
            if !isAlert && !Self.expectedEmpty.contains(where: { source.contains($0) }) {
              #expect(!result.isEmpty, "no series for \(source): \(expression)")
            }
          } catch {
            Issue.record("\(source): \(error)")
          }
        }
      }
    }

    /// Alert names in rules/grpc-alerts.rules.yml.
    static let alertNames: [String] = {
      let file = ChildProcess.repositoryRoot.appendingPathComponent("rules/grpc-alerts.rules.yml")
      let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
      return text.split(separator: "\n").compactMap { line in
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("- alert:") else { return nil }
        return trimmed.dropFirst("- alert:".count).trimmingCharacters(in: .whitespaces)
      }
    }()

    /// Panels allowed to be empty after load (none: the exporter serves process and promhttp metrics).
    static let expectedEmpty: [String] = []

    @Test("promtool accepts the rule files and their unit tests pass")
    func rulesCheckAndUnitTests() async throws {
      let rules = ChildProcess.repositoryRoot.appendingPathComponent("rules")
      let files = try FileManager.default.contentsOfDirectory(atPath: rules.path)
        .filter { $0.hasSuffix(".rules.yml") }.sorted()
      #expect(files.count == 2)
      let check = try ChildProcess(
        "/usr/bin/promtool",
        ["check", "rules"] + files,
        currentDirectory: rules
      )
      #expect(
        try await check.waitForExit(timeout: .seconds(60)) == 0,
        "\(check.standardOutput)\(check.standardError)"
      )
      let tests = try FileManager.default.contentsOfDirectory(
        atPath: rules.appendingPathComponent("tests").path
      )
      .filter { $0.hasSuffix(".yml") }.sorted().map { "tests/\($0)" }
      #expect(tests.count >= 3)
      let unit = try ChildProcess(
        "/usr/bin/promtool",
        ["test", "rules"] + tests,
        currentDirectory: rules
      )
      #expect(
        try await unit.waitForExit(timeout: .seconds(60)) == 0,
        "\(unit.standardOutput)\(unit.standardError)"
      )
    }

    @Test("promtool accepts the demo configuration")
    func demoConfigurationIsValid() async throws {
      let check = try ChildProcess(
        "/usr/bin/promtool",
        ["check", "config", "prometheus/prometheus.yml"]
      )
      #expect(
        try await check.waitForExit(timeout: .seconds(60)) == 0,
        "\(check.standardOutput)\(check.standardError)"
      )
    }
  }
}
