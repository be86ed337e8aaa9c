import EchoService
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPrometheus
import GRPCProtobuf
import Prometheus
import Testing

extension RealNetworkTests {
  /// The outside world's gRPC: Python's grpcio, with stubs generated from the same proto.
  @Suite("Interop with Python grpcio", .serialized)
  struct PythonInteropTests {
    static func generatedStubs() async throws -> String {
      let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("grpc-prometheus-stubs-\(UUID().uuidString)").path
      let gen = try ChildProcess(
        "/bin/bash",
        [ChildProcess.repositoryRoot.appendingPathComponent("interop/gen.sh").path, directory]
      )
      let status = try await gen.waitForExit(timeout: .seconds(60))
      guard status == 0 else {
        throw ChildProcess.Failure(description: "gen.sh failed: \(gen.standardError)")
      }
      return directory
    }

    @Test(
      "A grpcio client's calls are counted exactly by the Swift server, and Python parses /metrics"
    )
    func grpcioClientAgainstSwiftServer() async throws {
      let stubs = try await Self.generatedStubs()
      try await EchoTestEnvironment.run { env in
        let client = try ChildProcess(
          ChildProcess.python,
          [
            "interop/echo_client.py", "--target", "127.0.0.1:\(env.grpcPort)", "--gen-dir", stubs,
          ]
        )
        let status = try await client.waitForExit(timeout: .seconds(60))
        #expect(status == 0, "\(client.standardOutput)\n\(client.standardError)")

        let exposition = try await env.scrape {
          $0.sum("grpc_server_handled_total") == $0.sum("grpc_server_started_total")
            && $0.sum("grpc_server_started_total") == 14
        }
        let expected:
          [String: (started: Double, received: Double, sent: Double, handled: [String: Double])] = [
            "Get": (
              8, 8, 3, ["OK": 3, "NotFound": 2, "Unknown": 1, "DeadlineExceeded": 1, "Canceled": 1]
            ),
            "Collect": (2, 6, 1, ["OK": 1, "InvalidArgument": 1]),
            "Expand": (2, 2, 3, ["OK": 1, "PermissionDenied": 1]),
            "Update": (2, 4, 3, ["OK": 1, "Aborted": 1]),
          ]
        for (method, counts) in expected {
          let labels = echoLabels(method)
          #expect(
            exposition.value("grpc_server_started_total", labels) == counts.started,
            "\(method)"
          )
          #expect(
            exposition.value("grpc_server_msg_received_total", labels) == counts.received,
            "\(method)"
          )
          #expect(
            exposition.value("grpc_server_msg_sent_total", labels) == counts.sent,
            "\(method)"
          )
          for code in goCodeNames {
            #expect(
              exposition.value("grpc_server_handled_total", echoLabels(method, ["grpc_code": code]))
                == counts.handled[code] ?? 0,
              "\(method) \(code)"
            )
          }
        }
        // The unknown method never reached the interceptor: the router answered UNIMPLEMENTED.
        #expect(
          exposition.samples(named: "grpc_server_started_total").allSatisfy {
            $0.labels["grpc_method"] != "Nope"
          }
        )

        let parser = try await Self.parseWithPython(exposition.text)
        #expect(parser.status == 0, "\(parser.output)")
      }
    }

    static func parseWithPython(
      _ exposition: String
    ) async throws -> (status: Int32, output: String) {
      let file = FileManager.default.temporaryDirectory
        .appendingPathComponent("exposition-\(UUID().uuidString).txt")
      try exposition.write(to: file, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(at: file) }
      let parser = try ChildProcess(
        "/bin/sh",
        ["-c", "exec \"$0\" interop/parse_exposition.py < \"$1\"", ChildProcess.python, file.path]
      )
      let status = try await parser.waitForExit(timeout: .seconds(30))
      return (status, parser.standardOutput + parser.standardError)
    }

    @Test("The Swift client's metrics are exact against a grpcio server")
    func swiftClientAgainstGrpcioServer() async throws {
      let stubs = try await Self.generatedStubs()
      let server = try ChildProcess(
        ChildProcess.python,
        ["interop/echo_server.py", "--port", "0", "--gen-dir", stubs]
      )
      defer { server.stop() }
      let line = try await server.waitForLine(startingWith: "LISTENING ", timeout: .seconds(30))
      let port = try #require(Int(line.dropFirst("LISTENING ".count)))

      let registry = PrometheusCollectorRegistry()
      var options = ClientMetricsOptions()
      options.handlingTimeHistogram = .grpcDefault
      let interceptor = try ClientMetricsInterceptor(
        registry: registry,
        methods: Echo_V1_Echo.Method.descriptors,
        options: options
      )
      let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: "127.0.0.1", port: port),
        transportSecurity: .plaintext
      )
      try await withGRPCClient(transport: transport, interceptors: [interceptor]) { grpc in
        let echo = Echo_V1_Echo.Client(wrapping: grpc)
        for _ in 0 ..< 3 {
          #expect(try await echo.get(Echo_V1_EchoRequest("hello")).text == "hello")
        }
        try await expectCode(.notFound) {
          try await echo.get(Echo_V1_EchoRequest("error:NOT_FOUND"))
        }
        try await expectCode(.unknown) { try await echo.get(Echo_V1_EchoRequest("panic")) }
        var timeout = CallOptions.defaults
        timeout.timeout = .milliseconds(300)
        try await expectCode(.deadlineExceeded) {
          try await echo.get(Echo_V1_EchoRequest("sleep:2000"), options: timeout)
        }
        let count = try await echo.collect { writer in
          for text in ["a", "b", "c", "d"] { try await writer.write(Echo_V1_EchoRequest(text)) }
        }
        #expect(count.text == "4")
        let expanded = try await echo.expand(Echo_V1_EchoRequest("3")) { response in
          var texts: [String] = []
          for try await message in response.messages { texts.append(message.text) }
          return texts
        }
        #expect(expanded == ["0", "1", "2"])
        try await expectCode(.aborted) {
          try await echo.update {
            try await $0.write(Echo_V1_EchoRequest("x"))
            try await $0.write(Echo_V1_EchoRequest("error:ABORTED"))
          } onResponse: {
            for try await _ in $0.messages {}
          }
        }
        let nope = MethodDescriptor(
          fullyQualifiedService: "echo.v1.Echo",
          method: "Nope",
          type: .unary
        )
        try await expectCode(.unimplemented) {
          try await grpc.unary(
            request: ClientRequest(message: Echo_V1_EchoRequest("x")),
            descriptor: nope,
            serializer: ProtobufSerializer<Echo_V1_EchoRequest>(),
            deserializer: ProtobufDeserializer<Echo_V1_EchoResponse>(),
            options: .defaults
          ) { try $0.message }
        }
      }

      let exposition = try Exposition(registry.emitToString())
      let expected:
        [String: (started: Double, received: Double, sent: Double, handled: [String: Double])] = [
          "Get": (6, 3, 6, ["OK": 3, "NotFound": 1, "Unknown": 1, "DeadlineExceeded": 1]),
          "Collect": (1, 1, 4, ["OK": 1]),
          "Expand": (1, 3, 1, ["OK": 1]),
          "Update": (1, 1, 2, ["Aborted": 1]),
        ]
      for (method, counts) in expected {
        let labels = echoLabels(method)
        #expect(
          exposition.value("grpc_client_started_total", labels) == counts.started,
          "\(method)"
        )
        #expect(
          exposition.value("grpc_client_msg_received_total", labels) == counts.received,
          "\(method)"
        )
        #expect(exposition.value("grpc_client_msg_sent_total", labels) == counts.sent, "\(method)")
        #expect(
          exposition.value("grpc_client_handling_seconds_count", labels) == counts.started,
          "\(method)"
        )
        for code in goCodeNames {
          #expect(
            exposition.value("grpc_client_handled_total", echoLabels(method, ["grpc_code": code]))
              == counts.handled[code] ?? 0,
            "\(method) \(code)"
          )
        }
      }
      let nopeLabels = [
        "grpc_service": "echo.v1.Echo", "grpc_method": "Nope", "grpc_type": "unary",
      ]
      #expect(
        exposition.value(
          "grpc_client_handled_total",
          nopeLabels.merging(["grpc_code": "Unimplemented"]) { $1 }
        )
          == 1
      )
      let promtool = try await Promtool.checkMetrics(exposition.text)
      #expect(promtool.status == 0, "\(promtool.output)")
      let parser = try await Self.parseWithPython(exposition.text)
      #expect(parser.status == 0, "\(parser.output)")
    }
  }
}
