import EchoService
import GRPCCore
import GRPCInProcessTransport
import GRPCPrometheus
import Prometheus
import Testing

/// A server interceptor placed after the metrics interceptor that turns every RPC away before the
/// handler reads a message, as an authentication interceptor would.
private struct RejectingInterceptor: ServerInterceptor {
  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next: (
      _ request: StreamingServerRequest<Input>,
      _ context: ServerContext
    ) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    throw RPCError(code: .unauthenticated, message: "no credentials")
  }
}

@Suite("Single messages count where go-grpc-prometheus counts them")
struct SingleMessageCountingTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var method: String
    /// What the server records when the RPC is rejected before the handler reads anything: a
    /// single request counts on entry (go's unary interceptor calls `ReceivedMessage()` first), a
    /// stream's messages only once they are delivered.
    var serverReceived: Int
    /// What the client records: a single request counts when the call starts (go calls
    /// `SentMessage()` before invoking).
    var clientSent: Int?
    var testDescription: String { self.method }
  }

  static let cases = [
    Case(method: "Get", serverReceived: 1, clientSent: 1),
    Case(method: "Expand", serverReceived: 1, clientSent: 1),
    // Whether a rejected client stream's producer runs is up to grpc-swift, so the client's
    // count is not pinned for streams.
    Case(method: "Collect", serverReceived: 0, clientSent: nil),
    Case(method: "Update", serverReceived: 0, clientSent: nil),
  ]

  typealias EchoClient = Echo_V1_Echo.Client<InProcessTransport.Client>

  static func call(_ method: String, on client: EchoClient) async throws {
    switch method {
    case "Get":
      _ = try await client.get(Echo_V1_EchoRequest("hi"))
    case "Expand":
      try await client.expand(Echo_V1_EchoRequest("2")) { response in
        for try await _ in response.messages {}
      }
    case "Collect":
      _ = try await client.collect { writer in
        try await writer.write(Echo_V1_EchoRequest("a"))
      }
    default:
      try await client.update { writer in
        try await writer.write(Echo_V1_EchoRequest("a"))
      } onResponse: { response in
        for try await _ in response.messages {}
      }
    }
  }

  @Test(
    "An RPC rejected by a later interceptor counts its single request, and no response",
    arguments: cases
  )
  func rejectedRPCCountsItsSingleRequest(_ test: Case) async throws {
    let serverRegistry = PrometheusCollectorRegistry()
    let clientRegistry = PrometheusCollectorRegistry()
    let serverMetrics = try ServerMetricsInterceptor(
      registry: serverRegistry,
      services: [EchoService()]
    )
    let clientMetrics = try ClientMetricsInterceptor(
      registry: clientRegistry,
      methods: Echo_V1_Echo.Method.descriptors
    )
    try await withInProcessEcho(
      serverInterceptors: [serverMetrics, RejectingInterceptor()],
      clientInterceptors: [clientMetrics]
    ) {
      let client = Echo_V1_Echo.Client(wrapping: $0)
      try await expectCode(.unauthenticated) { try await Self.call(test.method, on: client) }
    }

    let labels = echoLabels(test.method)
    let server = try Exposition(serverRegistry.emitToString())
    #expect(server.value("grpc_server_started_total", labels) == 1)
    #expect(server.value("grpc_server_msg_received_total", labels) == Double(test.serverReceived))
    #expect(server.value("grpc_server_msg_sent_total", labels) == 0)
    let unauthenticated = echoLabels(test.method, ["grpc_code": "Unauthenticated"])
    #expect(server.value("grpc_server_handled_total", unauthenticated) == 1)
    #expect(server.sum("grpc_server_handled_total", matching: labels) == 1)

    let client = try Exposition(clientRegistry.emitToString())
    #expect(client.value("grpc_client_started_total", labels) == 1)
    if let sent = test.clientSent {
      #expect(client.value("grpc_client_msg_sent_total", labels) == Double(sent))
    }
    #expect(client.value("grpc_client_msg_received_total", labels) == 0)
    #expect(client.value("grpc_client_handled_total", unauthenticated) == 1)
  }

  @Test("A unary RPC that succeeds counts one message each way on both sides")
  func unaryRPCCountsOneMessageEachWay() async throws {
    let serverRegistry = PrometheusCollectorRegistry()
    let clientRegistry = PrometheusCollectorRegistry()
    let serverMetrics = try ServerMetricsInterceptor(
      registry: serverRegistry,
      services: [EchoService()]
    )
    let clientMetrics = try ClientMetricsInterceptor(registry: clientRegistry)
    try await withInProcessEcho(
      serverInterceptors: [serverMetrics],
      clientInterceptors: [clientMetrics]
    ) {
      let client = Echo_V1_Echo.Client(wrapping: $0)
      for _ in 0 ..< 3 {
        _ = try await client.get(Echo_V1_EchoRequest("hi"))
      }
    }
    let labels = echoLabels("Get")
    let server = try Exposition(serverRegistry.emitToString())
    #expect(server.value("grpc_server_msg_received_total", labels) == 3)
    #expect(server.value("grpc_server_msg_sent_total", labels) == 3)
    let client = try Exposition(clientRegistry.emitToString())
    #expect(client.value("grpc_client_msg_sent_total", labels) == 3)
    #expect(client.value("grpc_client_msg_received_total", labels) == 3)
  }
}
