import Foundation
import Testing

extension RealNetworkTests {
  /// The README's first command, for real: the built demo binary.
  @Suite("The demo executable")
  struct DemoCommandTests {
    /// `grpc-prometheus-demo`, built beside this test bundle.
    static var demoPath: String {
      let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      var directory = bundle.deletingLastPathComponent()
      while !directory.path.hasSuffix("debug") && !directory.path.hasSuffix("release")
        && directory.path != "/"
      {
        directory.deleteLastPathComponent()
      }
      return directory.appendingPathComponent("grpc-prometheus-demo").path
    }

    @Test("serve exposes gRPC and API families, load reports exact codes, SIGTERM stops it")
    func serveLoadAndStop() async throws {
      let grpcPort = try await EchoTestEnvironment.freePort()
      let metricsPort = try await EchoTestEnvironment.freePort()
      let serve = try ChildProcess(
        Self.demoPath,
        ["serve", "--port", "\(grpcPort)", "--metrics-port", "\(metricsPort)"]
      )
      defer { serve.stop() }
      var exposition: Exposition?
      let deadline = ContinuousClock.now + .seconds(30)
      while exposition == nil && ContinuousClock.now < deadline {
        exposition = try? await HTTPTestClient.scrape(port: metricsPort)
        if exposition == nil { try await Task.sleep(for: .milliseconds(100)) }
      }
      let initial = try #require(exposition, "no /metrics: \(serve.standardError)")
      #expect(initial.value("grpc_server_started_total", echoLabels("Get")) == 0)
      #expect(initial.type["grpc_server_handling_seconds"] == "histogram")
      #expect(
        initial.value(
          "bentoml_api_server_request_in_progress",
          ["api_name": "Get", "service_name": "echo", "service_version": "0.1.0"]
        ) == 0
      )

      let load = try ChildProcess(
        Self.demoPath,
        ["load", "--target", "127.0.0.1:\(grpcPort)", "--rpcs", "57", "--concurrency", "3"]
      )
      #expect(try await load.waitForExit(timeout: .seconds(60)) == 0, "\(load.standardError)")
      // Calls 18, 37 and 56 ask for NOT_FOUND.
      #expect(load.standardOutput.contains("  OK                 54\n"), "\(load.standardOutput)")
      #expect(load.standardOutput.contains("  NotFound           3\n"), "\(load.standardOutput)")
      #expect(load.standardOutput.contains("Throughput: "))
      #expect(load.standardOutput.contains("Latency (grpc_client_handling_seconds): p50 "))

      let after = try await HTTPTestClient.scrape(port: metricsPort)
      #expect(after.sum("grpc_server_started_total") == 57)
      #expect(after.sum("grpc_server_handled_total", matching: ["grpc_code": "NotFound"]) == 3)
      let promtool = try await Promtool.checkMetrics(after.text)
      #expect(promtool.status == 0, "\(promtool.output)")

      kill(serve.processIdentifier, SIGTERM)
      #expect(try await serve.waitForExit(timeout: .seconds(15)) == 0, "\(serve.standardError)")
    }
  }
}
