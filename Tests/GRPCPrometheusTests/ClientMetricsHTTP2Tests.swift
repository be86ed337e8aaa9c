import EchoService
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPrometheus
import GRPCProtobuf
import Prometheus
import Testing

extension RealNetworkTests {
  /// Serialized for the same reason as the server suite: deadlines are classified by timing.
  @Suite("Client metrics over HTTP/2")
  struct ClientMetricsHTTP2Tests {
    static func clientInterceptor(
      registry: PrometheusCollectorRegistry,
      options: ClientMetricsOptions = Self.allHistograms
    ) throws -> ClientMetricsInterceptor {
      try ClientMetricsInterceptor(
        registry: registry,
        methods: Echo_V1_Echo.Method.descriptors,
        options: options
      )
    }

    static var allHistograms: ClientMetricsOptions {
      var options = ClientMetricsOptions()
      options.handlingTimeHistogram = .grpcDefault
      options.messageReceiveTimeHistogram = .grpcDefault
      options.messageSendTimeHistogram = .grpcDefault
      return options
    }

    /// Runs `body` against an instrumented server with an instrumented client sharing one registry.
    static func withInstrumentedPair(
      serviceConfig: ServiceConfig = ServiceConfig(),
      _ body: @Sendable (EchoTestEnvironment) async throws -> Void
    ) async throws {
      let registry = PrometheusCollectorRegistry()
      let interceptor = try Self.clientInterceptor(registry: registry)
      try await EchoTestEnvironment.run(
        clientInterceptors: [interceptor],
        serviceConfig: serviceConfig,
        registry: registry,
        body
      )
    }

    @Test("Fixed workload: exact client lines, and client and server counts agree")
    func workloadRecordsExactClientCounters() async throws {
      try await Self.withInstrumentedPair { env in
        try await EchoWorkload.run(env)
        let exposition = try await env.scrape {
          $0.sum("grpc_client_handled_total") == $0.sum("grpc_client_started_total")
        }
        for (method, expected) in EchoWorkload.clientExpectations {
          let labels = echoLabels(method)
          #expect(exposition.value("grpc_client_started_total", labels) == Double(expected.started))
          #expect(
            exposition.value("grpc_client_msg_received_total", labels) == Double(expected.received),
            "\(method)"
          )
          #expect(
            exposition.value("grpc_client_msg_sent_total", labels) == Double(expected.sent),
            "\(method)"
          )
          for code in goCodeNames {
            let value = exposition.value(
              "grpc_client_handled_total",
              echoLabels(method, ["grpc_code": code])
            )
            #expect(value == Double(expected.handled[code] ?? 0), "\(method) \(code)")
          }
          #expect(
            exposition.value("grpc_client_handling_seconds_count", labels)
              == Double(expected.started)
          )
          #expect(
            exposition.value("grpc_client_msg_recv_handling_seconds_count", labels)
              == Double(expected.received)
          )
          #expect(
            exposition.value("grpc_client_msg_send_handling_seconds_count", labels)
              == Double(expected.sent)
          )
          // What one side sent, the other received.
          #expect(
            exposition.value("grpc_client_msg_sent_total", labels)
              == exposition.value("grpc_server_msg_received_total", labels)
          )
          #expect(
            exposition.value("grpc_client_msg_received_total", labels)
              == exposition.value("grpc_server_msg_sent_total", labels)
          )
        }
      }
    }

    @Test("HELP and TYPE lines match go-grpc-prometheus")
    func helpAndTypeLinesMatchGo() throws {
      let registry = PrometheusCollectorRegistry()
      _ = try Self.clientInterceptor(registry: registry)
      let exposition = try Exposition(registry.emitToString())
      let expected: [(String, String, String)] = [
        ("grpc_client_started_total", "counter", "Total number of RPCs started on the client."),
        (
          "grpc_client_handled_total", "counter",
          "Total number of RPCs completed by the client, regardless of success or failure."
        ),
        (
          "grpc_client_msg_received_total", "counter",
          "Total number of RPC stream messages received by the client."
        ),
        (
          "grpc_client_msg_sent_total", "counter",
          "Total number of gRPC stream messages sent by the client."
        ),
        (
          "grpc_client_handling_seconds", "histogram",
          "Histogram of response latency (seconds) of the gRPC until it is finished by the application."
        ),
        (
          "grpc_client_msg_recv_handling_seconds", "histogram",
          "Histogram of response latency (seconds) of the gRPC single message receive."
        ),
        (
          "grpc_client_msg_send_handling_seconds", "histogram",
          "Histogram of response latency (seconds) of the gRPC single message send."
        ),
      ]
      for (name, type, help) in expected {
        #expect(exposition.type[name] == type, "\(name)")
        #expect(exposition.help[name] == help, "\(name)")
      }
      #expect(exposition.samples(named: "grpc_client_handled_total").count == 4 * 17)
    }

    @Test(
      "Legacy names: grpc_client_completed_total{code} and grpc_client_completed_latency_seconds"
    )
    func legacyNames() throws {
      let registry = PrometheusCollectorRegistry()
      var options = ClientMetricsOptions()
      options.usesLegacyNames = true
      options.handlingTimeHistogram = .grpcDefault
      _ = try Self.clientInterceptor(registry: registry, options: options)
      let exposition = try Exposition(registry.emitToString())
      #expect(
        exposition.value("grpc_client_completed_total", echoLabels("Get", ["code": "OK"])) == 0
      )
      #expect(exposition.samples(named: "grpc_client_handled_total").isEmpty)
      #expect(
        exposition.value("grpc_client_completed_latency_seconds_count", echoLabels("Get")) == 0
      )
      #expect(
        exposition.help["grpc_client_completed_total"]
          == "Total number of RPCs completed on the client, regardless of success or failure."
      )
    }

    @Test("An abandoned server stream ends in exactly one Canceled")
    func abandonedServerStreamIsCanceled() async throws {
      try await Self.withInstrumentedPair { env in
        let first = try await env.client.expand(Echo_V1_EchoRequest("50")) { response in
          for try await message in response.messages {
            return message.text
          }
          return ""
        }
        #expect(first == "0")
        let exposition = try await env.scrape {
          $0.sum("grpc_client_handled_total", matching: echoLabels("Expand")) == 1
            && $0.sum("grpc_server_handled_total", matching: echoLabels("Expand")) == 1
        }
        #expect(
          exposition.value(
            "grpc_client_handled_total",
            echoLabels("Expand", ["grpc_code": "Canceled"])
          )
            == 1
        )
        #expect(exposition.value("grpc_client_msg_received_total", echoLabels("Expand")) == 1)
        // The server may have written all 50 before the reset reached it (OK) or not (Canceled);
        // either way it recorded the RPC exactly once, as the wait above checked.
      }
    }

    @Test("A cancelled bidi call ends in exactly one Canceled on both sides")
    func cancelledBidiIsCanceled() async throws {
      try await Self.withInstrumentedPair { env in
        let call = Task {
          try await env.client.update { writer in
            try await writer.write(Echo_V1_EchoRequest("sleep:10000"))
            try await Task.sleep(for: .seconds(30))
          } onResponse: { response in
            for try await _ in response.messages {}
          }
        }
        _ = try await env.scrape {
          $0.value("grpc_server_msg_received_total", echoLabels("Update")) == 1
        }
        call.cancel()
        _ = await call.result
        let exposition = try await env.scrape {
          $0.sum("grpc_server_handled_total", matching: echoLabels("Update")) == 1
        }
        for family in ["grpc_client_handled_total", "grpc_server_handled_total"] {
          #expect(exposition.value(family, echoLabels("Update", ["grpc_code": "Canceled"])) == 1)
          #expect(exposition.sum(family, matching: echoLabels("Update")) == 1)
        }
      }
    }

    @Test("An unknown method is recorded as Unimplemented on the client, and not on the server")
    func unimplementedMethod() async throws {
      let registry = PrometheusCollectorRegistry()
      let interceptor = try Self.clientInterceptor(registry: registry)
      try await EchoTestEnvironment.run(clientInterceptors: [interceptor], registry: registry) {
        env in
        let nope = MethodDescriptor(
          fullyQualifiedService: "echo.v1.Echo",
          method: "Nope",
          type: .unary
        )
        try await expectCode(.unimplemented) {
          _ = try await env.client.get(Echo_V1_EchoRequest("x"))  // warm-up on the same connection
          return try await GRPCClientCalls.unary(env, descriptor: nope)
        }
        let exposition = try await env.scrape()
        let labels = ["grpc_service": "echo.v1.Echo", "grpc_method": "Nope", "grpc_type": "unary"]
        #expect(exposition.value("grpc_client_started_total", labels) == 1)
        #expect(
          exposition.value(
            "grpc_client_handled_total",
            labels.merging(["grpc_code": "Unimplemented"]) { $1 }
          )
            == 1
        )
        #expect(exposition.value("grpc_server_started_total", labels) == nil)
      }
    }

    @Test("With a retry policy, started counts attempts, as the server does")
    func retriesCountAttempts() async throws {
      let policy = RetryPolicy(
        maxAttempts: 3,
        initialBackoff: .milliseconds(10),
        maxBackoff: .milliseconds(50),
        backoffMultiplier: 1.5,
        retryableStatusCodes: [.unavailable]
      )
      let config = ServiceConfig(
        methodConfig: [
          MethodConfig(
            names: [MethodConfig.Name(service: "echo.v1.Echo", method: "Get")],
            executionPolicy: .retry(policy)
          )
        ]
      )
      try await Self.withInstrumentedPair(serviceConfig: config) { env in
        try await expectCode(.unavailable) {
          try await env.client.get(Echo_V1_EchoRequest("error:UNAVAILABLE"))
        }
        let exposition = try await env.scrape()
        let unavailable = echoLabels("Get", ["grpc_code": "Unavailable"])
        #expect(exposition.value("grpc_client_started_total", echoLabels("Get")) == 3)
        #expect(exposition.value("grpc_client_handled_total", unavailable) == 3)
        #expect(exposition.value("grpc_server_started_total", echoLabels("Get")) == 3)
        #expect(exposition.value("grpc_server_handled_total", unavailable) == 3)
      }
    }

    @Test("observeCall counts a call to an unreachable server as Unavailable")
    func unreachableServerIsCountedByObserveCall() async throws {
      let registry = PrometheusCollectorRegistry()
      let interceptor = try Self.clientInterceptor(registry: registry)
      // A port that was free a moment ago: nothing listens there.
      let port = try await EchoTestEnvironment.freePort()
      let transport = try HTTP2ClientTransport.Posix(
        target: .ipv4(address: "127.0.0.1", port: port),
        transportSecurity: .plaintext
      )
      try await withGRPCClient(transport: transport, interceptors: [interceptor]) { client in
        let echo = Echo_V1_Echo.Client(wrapping: client)
        var options = CallOptions.defaults
        options.waitForReady = false
        try await expectCode(.unavailable) {
          try await interceptor.observeCall(to: Echo_V1_Echo.Method.Get.descriptor) {
            try await echo.get(Echo_V1_EchoRequest("x"), options: options)
          }
        }
        // Without the wrapper the same failure leaves no trace.
        try await expectCode(.unavailable) {
          try await echo.get(Echo_V1_EchoRequest("x"), options: options)
        }
      }
      let exposition = try Exposition(registry.emitToString())
      #expect(exposition.value("grpc_client_started_total", echoLabels("Get")) == 1)
      #expect(
        exposition.value(
          "grpc_client_handled_total",
          echoLabels("Get", ["grpc_code": "Unavailable"])
        )
          == 1
      )
    }
  }
}

/// Raw calls for methods the generated client does not have.
enum GRPCClientCalls {
  static func unary(
    _ env: EchoTestEnvironment,
    descriptor: MethodDescriptor
  ) async throws -> Echo_V1_EchoResponse {
    try await env.grpcClient.unary(
      request: ClientRequest(message: Echo_V1_EchoRequest("x")),
      descriptor: descriptor,
      serializer: ProtobufSerializer<Echo_V1_EchoRequest>(),
      deserializer: ProtobufDeserializer<Echo_V1_EchoResponse>(),
      options: .defaults
    ) { try $0.message }
  }
}
