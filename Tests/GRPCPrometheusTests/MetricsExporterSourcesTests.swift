import NIOHTTP1
import Prometheus
import Testing

@testable import GRPCPrometheusExporter

@Suite("Metrics exporter sources and self-metrics")
struct MetricsExporterSourcesTests {
  static let total = "promhttp_metric_handler_requests_total"
  static let inFlight = "promhttp_metric_handler_requests_in_flight"

  @Test("Scrape N reports N-1 earlier scrapes under code 200 and itself in flight, as promhttp")
  func handlerMetricsCountEarlierScrapes() async throws {
    try await ExporterHarness.run(sources: []) { port in
      for scrape in 1 ... 5 {
        let exposition = try await HTTPTestClient.scrape(port: port)
        #expect(exposition.value(Self.total, ["code": "200"]) == Double(scrape - 1))
        #expect(exposition.value(Self.total, ["code": "500"]) == 0)
        #expect(exposition.value(Self.total, ["code": "503"]) == 0)
        #expect(exposition.value(Self.inFlight) == 1)
      }
      // Requests that never reach the handler (404, 405) are not scrapes.
      #expect(try await HTTPTestClient.request(port: port, path: "/other").status == .notFound)
      #expect(
        try await HTTPTestClient.request(port: port, method: .POST).status == .methodNotAllowed
      )
      let response = try await HTTPTestClient.request(port: port)
      #expect(
        response.body == """
          # HELP promhttp_metric_handler_requests_in_flight Current number of scrapes being served.
          # TYPE promhttp_metric_handler_requests_in_flight gauge
          promhttp_metric_handler_requests_in_flight 1
          # HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.
          # TYPE promhttp_metric_handler_requests_total counter
          promhttp_metric_handler_requests_total{code="200"} 5
          promhttp_metric_handler_requests_total{code="500"} 0
          promhttp_metric_handler_requests_total{code="503"} 0

          """
      )
    }
  }

  @Test("A failing source answers 500 with the reason, counted under code 500")
  func failingSourceIs500() async throws {
    let failing = SwitchableFailingSource()
    try await ExporterHarness.run(sources: [failing]) { port in
      let response = try await HTTPTestClient.request(port: port)
      #expect(response.status == .internalServerError)
      #expect(
        response.body
          == "An error has occurred while serving metrics:\n\nsource #0 (SwitchableFailingSource)"
          + " failed: the test source failed on purpose\n"
      )
      failing.stopFailing()
      let exposition = try await HTTPTestClient.scrape(port: port)
      #expect(exposition.value("switchable") == 1)
      #expect(exposition.value(Self.total, ["code": "500"]) == 1)
      #expect(exposition.value(Self.total, ["code": "200"]) == 0)
    }
  }

  @Test("Two sources with the same family answer 500 naming the family and both sources")
  func duplicateFamiliesAre500() async throws {
    let first = MetricsExporterTests.registryWithOneCounter()
    let second = MetricsExporterTests.registryWithOneCounter()
    try await ExporterHarness.run(sources: [first, second]) { port in
      let response = try await HTTPTestClient.request(port: port)
      #expect(response.status == .internalServerError)
      #expect(
        response.body
          == "An error has occurred while serving metrics:\n\nmetric family demo_total is"
          + " emitted by both source #0 (PrometheusCollectorRegistry) and source #1"
          + " (PrometheusCollectorRegistry); each family must come from one source\n"
      )
    }
  }

  @Test("Registry, process metrics and self-metrics form one exposition that promtool accepts")
  func combinedExpositionPassesPromtool() async throws {
    let registry = PrometheusCollectorRegistry()
    registry.makeCounter(
      descriptor: MetricNameDescriptor(
        metricName: "app_requests_total",
        unitName: "",
        helpText: "Requests."
      ),
      labels: [("route", "/a")]
    ).increment()
    registry.makeGauge(
      descriptor: MetricNameDescriptor(
        metricName: "app_temperature_celsius",
        unitName: "",
        helpText: "Heat."
      )
    ).set(21.5)
    registry.makeDurationHistogram(
      descriptor: MetricNameDescriptor(
        metricName: "app_latency_seconds",
        unitName: "",
        helpText: "Latency."
      ),
      buckets: [.milliseconds(10), .milliseconds(100)]
    ).recordNanoseconds(5_000_000)
    try await ExporterHarness.run(sources: [registry, ProcessMetricsCollector()]) { port in
      _ = try await HTTPTestClient.scrape(port: port)
      let exposition = try await HTTPTestClient.scrape(port: port)

      var families = exposition.type
      families = families.filter { !$0.key.hasPrefix("app_") }
      #expect(
        families == [
          "process_cpu_seconds_total": "counter",
          "process_max_fds": "gauge",
          "process_open_fds": "gauge",
          "process_resident_memory_bytes": "gauge",
          "process_start_time_seconds": "gauge",
          "process_virtual_memory_bytes": "gauge",
          "process_virtual_memory_max_bytes": "gauge",
          Self.inFlight: "gauge",
          Self.total: "counter",
        ]
      )
      #expect(exposition.type["app_requests_total"] == "counter")
      #expect(exposition.type["app_latency_seconds"] == "histogram")
      let typeLines = exposition.text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
      #expect(typeLines.count == Set(typeLines).count)  // no family twice
      #expect(exposition.value(Self.total, ["code": "200"]) == 1)
      #expect(
        exposition.help["process_cpu_seconds_total"]
          == "Total user and system CPU time spent in seconds."
      )
      #expect(exposition.help["process_open_fds"] == "Number of open file descriptors.")

      let result = try await Promtool.checkMetrics(exposition.text)
      #expect(result.status == 0, "\(result.output)\n\(exposition.text)")
      #expect(result.output.isEmpty, "\(result.output)")
    }
  }

  @Test("Family names come from # TYPE lines only")
  func familyNamesComeFromTypeLines() {
    let text = """
      # HELP a_total Mentions # TYPE fake counter in its help.
      # TYPE a_total counter
      a_total 1
      #TYPE not_a_family gauge
      # TYPE b gauge
      b{x="# TYPE c gauge"} 2
      # TYPE last untyped
      """
    #expect(ExpositionAssembler.familyNames(in: Array(text.utf8)[...]) == ["a_total", "b", "last"])
  }
}
