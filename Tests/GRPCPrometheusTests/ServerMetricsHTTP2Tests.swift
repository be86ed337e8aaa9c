import EchoService
import GRPCCore
import GRPCPrometheus
import Testing

extension RealNetworkTests {
  /// Serialized: deadline classification compares the server's elapsed time with the client's
  /// timeout, and a 2-core machine running the concurrency test beside it skews both clocks.
  @Suite("Server metrics over HTTP/2")
  struct ServerMetricsHTTP2Tests {
    @Test("Fixed workload over all four kinds records exact counters, codes and histogram counts")
    func workloadRecordsExactCounters() async throws {
      try await EchoTestEnvironment.run { env in
        try await EchoWorkload.run(env)
        let exposition = try await env.scrape()

        for (method, expected) in EchoWorkload.serverExpectations {
          let labels = echoLabels(method)
          #expect(
            exposition.value("grpc_server_started_total", labels) == Double(expected.started),
            "\(method)"
          )
          #expect(
            exposition.value("grpc_server_msg_received_total", labels) == Double(expected.received),
            "\(method)"
          )
          #expect(
            exposition.value("grpc_server_msg_sent_total", labels) == Double(expected.sent),
            "\(method)"
          )
          for code in goCodeNames {
            let value = exposition.value(
              "grpc_server_handled_total",
              echoLabels(method, ["grpc_code": code])
            )
            #expect(value == Double(expected.handled[code] ?? 0), "\(method) \(code)")
          }
          #expect(
            exposition.value("grpc_server_handling_seconds_count", labels)
              == Double(expected.started),
            "\(method)"
          )
          #expect(
            exposition.value(
              "grpc_server_handling_seconds_bucket",
              labels.merging(["le": "+Inf"]) { $1 }
            )
              == Double(expected.started)
          )
        }
      }
    }

    @Test("A deadline is recorded as DeadlineExceeded, timed when the deadline passed")
    func deadlineIsTimedAtTheDeadline() async throws {
      try await EchoTestEnvironment.run { env in
        // The client's deadline clock starts before the connection exists; warm it up so the server
        // sees the whole budget (see the README on deadlines that expire while connecting).
        _ = try await env.client.get(Echo_V1_EchoRequest("warm-up"))
        var options = CallOptions.defaults
        options.timeout = .seconds(1)
        try await expectCode(.deadlineExceeded) {
          try await env.client.get(Echo_V1_EchoRequest("sleep:5000"), options: options)
        }
        let exposition = try await env.scrape {
          $0.value(
            "grpc_server_handled_total",
            echoLabels("Get", ["grpc_code": "DeadlineExceeded"])
          )
            == 1
        }
        let labels = echoLabels("Get")
        #expect(exposition.value("grpc_server_handling_seconds_count", labels) == 2)
        // 0.5 < ~1 s ≤ 2.5: the RPC is timed at its deadline, not at the handler's 5 s.
        #expect(
          exposition.value(
            "grpc_server_handling_seconds_bucket",
            labels.merging(["le": "0.5"]) { $1 }
          ) == 1
        )
        #expect(
          exposition.value(
            "grpc_server_handling_seconds_bucket",
            labels.merging(["le": "2.5"]) { $1 }
          ) == 2
        )
        let sum = try #require(exposition.value("grpc_server_handling_seconds_sum", labels))
        #expect(sum >= 0.9 && sum < 2.5)
      }
    }

    @Test("Exposition declares the go-grpc-prometheus HELP and TYPE lines")
    func helpAndTypeLinesMatchGo() async throws {
      try await EchoTestEnvironment.run { env in
        let exposition = try await env.scrape()
        let expected: [(String, String, String)] = [
          ("grpc_server_started_total", "counter", "Total number of RPCs started on the server."),
          (
            "grpc_server_handled_total", "counter",
            "Total number of RPCs completed on the server, regardless of success or failure."
          ),
          (
            "grpc_server_msg_received_total", "counter",
            "Total number of RPC stream messages received on the server."
          ),
          (
            "grpc_server_msg_sent_total", "counter",
            "Total number of gRPC stream messages sent by the server."
          ),
          (
            "grpc_server_handling_seconds", "histogram",
            "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server."
          ),
        ]
        for (name, type, help) in expected {
          #expect(exposition.type[name] == type, "\(name)")
          #expect(exposition.help[name] == help, "\(name)")
        }
        #expect(
          exposition.text.contains(
            #"grpc_server_started_total{grpc_method="Get",grpc_service="echo.v1.Echo",grpc_type="unary"} 0"#
          )
        )
      }
    }

    @Test("promtool check metrics accepts the scraped exposition after traffic")
    func promtoolAcceptsExposition() async throws {
      try await EchoTestEnvironment.run { env in
        _ = try await env.client.get(Echo_V1_EchoRequest("hello"))
        try await expectCode(.notFound) {
          try await env.client.get(Echo_V1_EchoRequest("error:NOT_FOUND"))
        }
        let exposition = try await env.scrape()
        let result = try await Promtool.checkMetrics(exposition.text)
        #expect(result.status == 0, "\(result.output)")
      }
    }

    @Test("8 concurrent clients × 500 mixed RPCs: every counter equals what was sent")
    func concurrentClientsCountExactly() async throws {
      try await EchoTestEnvironment.run { env in
        let clients = 8
        let perClient = 500
        try await withThrowingTaskGroup(of: Void.self) { group in
          for clientIndex in 0 ..< clients {
            group.addTask {
              for index in 0 ..< perClient {
                try await Self.mixedCall(env.client, index: clientIndex * perClient + index)
              }
            }
          }
          try await group.waitForAll()
        }
        let exposition = try await env.scrape()
        // Four calls in a cycle of eight per kind: see mixedCall.
        let total = Double(clients * perClient)
        let perKind = total / 4
        for method in ["Get", "Collect", "Expand", "Update"] {
          let labels = echoLabels(method)
          #expect(exposition.value("grpc_server_started_total", labels) == perKind, "\(method)")
          #expect(
            exposition.sum("grpc_server_handled_total", matching: labels) == perKind,
            "\(method)"
          )
          #expect(
            exposition.value("grpc_server_handled_total", echoLabels(method, ["grpc_code": "OK"]))
              == perKind / 2,
            "\(method)"
          )
        }
        #expect(
          exposition.value(
            "grpc_server_handled_total",
            echoLabels("Get", ["grpc_code": "NotFound"])
          )
            == perKind / 2
        )
        #expect(exposition.value("grpc_server_msg_received_total", echoLabels("Get")) == perKind)
        #expect(exposition.value("grpc_server_msg_sent_total", echoLabels("Get")) == perKind / 2)
        // Collect: OK calls send 3 messages, failing ones 2 (the second fails).
        #expect(
          exposition.value("grpc_server_msg_received_total", echoLabels("Collect")) == perKind / 2
            * 5
        )
        #expect(
          exposition.value(
            "grpc_server_handled_total",
            echoLabels("Collect", ["grpc_code": "InvalidArgument"])
          ) == perKind / 2
        )
        // Expand "2" sends two messages; "error:UNAVAILABLE" none.
        #expect(exposition.value("grpc_server_msg_sent_total", echoLabels("Expand")) == perKind)
        #expect(
          exposition.value(
            "grpc_server_handled_total",
            echoLabels("Expand", ["grpc_code": "Unavailable"])
          ) == perKind / 2
        )
        // Update echoes 2, or echoes 1 and fails on the second.
        #expect(
          exposition.value("grpc_server_msg_received_total", echoLabels("Update")) == perKind / 2
            * 4
        )
        #expect(
          exposition.value("grpc_server_msg_sent_total", echoLabels("Update")) == perKind / 2 * 3
        )
        #expect(
          exposition.value(
            "grpc_server_handled_total",
            echoLabels("Update", ["grpc_code": "Internal"])
          ) == perKind / 2
        )
        #expect(
          exposition.sum("grpc_server_started_total") == exposition.sum("grpc_server_handled_total")
        )
      }
    }

    /// Cycles through eight calls: each kind once succeeding and once failing.
    static func mixedCall(
      _ client: Echo_V1_Echo.Client<some ClientTransport>,
      index: Int
    ) async throws {
      let fails = (index / 4) % 2 == 1
      switch index % 4 {
      case 0:
        if fails {
          try await expectCode(.notFound) {
            try await client.get(Echo_V1_EchoRequest("error:NOT_FOUND"))
          }
        } else {
          _ = try await client.get(Echo_V1_EchoRequest("hi"))
        }
      case 1:
        let texts = fails ? ["a", "error:INVALID_ARGUMENT"] : ["a", "b", "c"]
        if fails {
          try await expectCode(.invalidArgument) {
            try await client.collect {
              try await $0.write(contentsOf: texts.map(Echo_V1_EchoRequest.init))
            }
          }
        } else {
          _ = try await client.collect {
            try await $0.write(contentsOf: texts.map(Echo_V1_EchoRequest.init))
          }
        }
      case 2:
        if fails {
          try await expectCode(.unavailable) {
            try await client.expand(Echo_V1_EchoRequest("error:UNAVAILABLE")) {
              for try await _ in $0.messages {}
            }
          }
        } else {
          try await client.expand(Echo_V1_EchoRequest("2")) { for try await _ in $0.messages {} }
        }
      default:
        let texts = fails ? ["a", "error:INTERNAL"] : ["a", "b"]
        let call = {
          try await client.update {
            try await $0.write(contentsOf: texts.map(Echo_V1_EchoRequest.init))
          } onResponse: {
            for try await _ in $0.messages {}
          }
        }
        if fails {
          try await expectCode(.internalError) { try await call() }
        } else {
          try await call()
        }
      }
    }
  }
}
