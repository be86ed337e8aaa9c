import ArgumentParser
import EchoService
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPrometheus
import GRPCPrometheusExporter
import Logging
import Prometheus
import Synchronization

/// `load`: drives a running Echo server through the client interceptor and summarises what the
/// client metrics saw.
struct LoadCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load",
    abstract: "Send Echo RPCs through the metrics client interceptor and print a summary."
  )

  @Option(help: "The server, host:port.")
  var target = "127.0.0.1:50051"

  @Option(help: "How many RPCs to send.")
  var rpcs = 10_000

  @Option(help: "How many RPCs in flight at once.")
  var concurrency = 8

  @Option(help: "Which RPCs: unary, stream or all.")
  var mix = LoadMix.all

  @Option(help: "Serve the client's /metrics on this port while the load runs.")
  var metricsPort: Int?

  @Option(help: "Keep /metrics up this many seconds after the load, for a final scrape.")
  var linger = 0.0

  func validate() throws {
    guard self.rpcs > 0, self.concurrency > 0 else {
      throw ValidationError("--rpcs and --concurrency must be positive")
    }
    guard Self.parseTarget(self.target) != nil else {
      throw ValidationError("--target must be host:port, got '\(self.target)'")
    }
  }

  static func parseTarget(_ target: String) -> (host: String, port: Int)? {
    guard let colon = target.lastIndex(of: ":"),
      let port = Int(target[target.index(after: colon)...])
    else { return nil }
    return (String(target[..<colon]), port)
  }

  /// Client options with every histogram on, with buckets fine enough for loopback latencies.
  static func clientOptions() throws -> ClientMetricsOptions {
    var options = ClientMetricsOptions()
    let buckets = try HistogramBuckets.exponential(min: 0.000_25, max: 10, factor: 2)
    options.handlingTimeHistogram = buckets
    options.messageReceiveTimeHistogram = buckets
    options.messageSendTimeHistogram = buckets
    return options
  }

  func run() async throws {
    let (host, port) = Self.parseTarget(self.target)!
    let registry = PrometheusCollectorRegistry()
    let interceptor = try ClientMetricsInterceptor(
      registry: registry,
      methods: Echo_V1_Echo.Method.descriptors,
      options: Self.clientOptions()
    )
    let transport = try HTTP2ClientTransport.Posix(
      target: .dns(host: host, port: port),
      transportSecurity: .plaintext
    )
    let generator = LoadGenerator(
      mix: self.mix,
      concurrency: self.concurrency,
      budget: self.rpcs,
      pause: nil
    )
    let display = ProgressDisplay(total: self.rpcs)

    try await withThrowingTaskGroup(of: Void.self) { group in
      if let metricsPort = self.metricsPort {
        var logger = Logger(label: "grpc-prometheus-demo.load")
        logger.logLevel = .warning
        let exporter = MetricsExporter(
          registry: registry,
          configuration: MetricsExporterConfiguration(host: "127.0.0.1", port: metricsPort),
          logger: logger
        )
        group.addTask { try await exporter.run() }
        print("Client metrics: http://127.0.0.1:\(metricsPort)/metrics")
      }

      let start = ContinuousClock.now
      try await withGRPCClient(transport: transport, interceptors: [interceptor]) { client in
        let echo = Echo_V1_Echo.Client(wrapping: client)
        await withTaskGroup(of: Void.self) { load in
          load.addTask {
            let interval: Duration = display.isTerminal ? .milliseconds(100) : .seconds(1)
            while (try? await Task.sleep(for: interval)) != nil {
              display.show(
                done: generator.completed.load(ordering: .relaxed),
                elapsed: start.duration(to: .now)
              )
            }
          }
          await generator.run(echo)
          load.cancelAll()
        }
      }
      let elapsed = start.duration(to: .now)
      display.show(done: generator.completed.load(ordering: .relaxed), elapsed: elapsed)
      display.finish()
      print(Self.summary(ExpositionSummary(exposition: registry.emitToString()), elapsed: elapsed))

      if self.linger > 0 {
        try await Task.sleep(for: .milliseconds(Int(self.linger * 1000)))
      }
      group.cancelAll()
    }
  }

  static func summary(_ summary: ExpositionSummary, elapsed: Duration) -> String {
    var lines = ["Calls by code (grpc_client_handled_total):"]
    for (code, count) in summary.callsByCode.sorted(by: { $0.value > $1.value }) where count > 0 {
      lines.append("  \(code.padding(toLength: 18, withPad: " ", startingAt: 0)) \(Int(count))")
    }
    let total = summary.totalCalls
    lines.append(
      "Throughput: \(Int(total / max(elapsed.seconds, 0.001))) rpc/s "
        + "(\(Int(total)) calls in \(String(format: "%.2f", elapsed.seconds)) s)"
    )
    let quantiles = [0.5, 0.9, 0.99].map { q in
      summary.latencyQuantile(q).map { String(format: "p%g %.2f ms", q * 100, $0 * 1000) } ?? "n/a"
    }
    lines.append("Latency (grpc_client_handling_seconds): " + quantiles.joined(separator: ", "))
    return lines.joined(separator: "\n")
  }
}
