import EchoService
import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

/// A fixed workload covering all four RPC kinds and every way an RPC can end, with the server-side
/// counts it must produce.
enum EchoWorkload {
  struct Expectation: Sendable {
    var started: Int
    var received: Int
    var sent: Int
    var handled: [String: Int]
  }

  /// What the server must have recorded after ``run(_:)``, per method.
  static let serverExpectations: [String: Expectation] = [
    "Get": Expectation(
      started: 8,
      received: 8,
      sent: 3,
      handled: ["OK": 3, "NotFound": 2, "Unknown": 1, "DeadlineExceeded": 1, "Canceled": 1]
    ),
    "Collect": Expectation(
      started: 2,
      received: 8,
      sent: 1,
      handled: ["OK": 1, "InvalidArgument": 1]
    ),
    "Expand": Expectation(
      started: 2,
      received: 2,
      sent: 4,
      handled: ["OK": 1, "PermissionDenied": 1]
    ),
    "Update": Expectation(
      started: 3,
      received: 7,
      sent: 5,
      handled: ["OK": 1, "Aborted": 1, "Canceled": 1]
    ),
  ]

  /// What an instrumented client must have recorded after ``run(_:)``: it sends what the server
  /// received and receives what the server sent, and sees the same codes.
  static let clientExpectations: [String: Expectation] = [
    "Get": Expectation(
      started: 8,
      received: 3,
      sent: 8,
      handled: ["OK": 3, "NotFound": 2, "Unknown": 1, "DeadlineExceeded": 1, "Canceled": 1]
    ),
    "Collect": Expectation(
      started: 2,
      received: 1,
      sent: 8,
      handled: ["OK": 1, "InvalidArgument": 1]
    ),
    "Expand": Expectation(
      started: 2,
      received: 4,
      sent: 2,
      handled: ["OK": 1, "PermissionDenied": 1]
    ),
    "Update": Expectation(
      started: 3,
      received: 5,
      sent: 7,
      handled: ["OK": 1, "Aborted": 1, "Canceled": 1]
    ),
  ]

  static func run(_ env: EchoTestEnvironment) async throws {
    let client = env.client

    // Unary: OK ×3, NOT_FOUND ×2, a non-RPCError ×1.
    for _ in 0 ..< 3 {
      let reply = try await client.get(Echo_V1_EchoRequest("hello"))
      #expect(reply.text == "hello")
    }
    for _ in 0 ..< 2 {
      try await expectCode(.notFound) {
        try await client.get(Echo_V1_EchoRequest("error:NOT_FOUND"))
      }
    }
    try await expectCode(.unknown) { try await client.get(Echo_V1_EchoRequest("panic")) }

    // Unary past its deadline: the handler sleeps (cancellation-aware) longer than the timeout.
    var options = CallOptions.defaults
    options.timeout = .seconds(1)
    try await expectCode(.deadlineExceeded) {
      try await client.get(Echo_V1_EchoRequest("sleep:5000"), options: options)
    }
    _ = try await env.scrape {
      $0.sum("grpc_server_handled_total", matching: echoLabels("Get")) == 7
    }

    // Unary cancelled by the client once the server is running the handler.
    let cancelledGet = Task {
      try await client.get(Echo_V1_EchoRequest("sleep:10000"))
    }
    _ = try await env.scrape {
      $0.value("grpc_server_msg_received_total", echoLabels("Get")) == 8
    }
    cancelledGet.cancel()
    _ = await cancelledGet.result
    _ = try await env.scrape {
      $0.sum("grpc_server_handled_total", matching: echoLabels("Get")) == 8
    }

    // Client streaming: 5 messages OK; a failure on the third message.
    let count = try await client.collect { writer in
      for text in ["a", "b", "c", "d", "e"] {
        try await writer.write(Echo_V1_EchoRequest(text))
      }
    }
    #expect(count.text == "5")
    try await expectCode(.invalidArgument) {
      try await client.collect { writer in
        for text in ["a", "b", "error:INVALID_ARGUMENT"] {
          try await writer.write(Echo_V1_EchoRequest(text))
        }
      }
    }

    // Server streaming: 4 messages; a rejection before any message.
    let expanded = try await client.expand(Echo_V1_EchoRequest("4")) { response in
      var texts: [String] = []
      for try await message in response.messages {
        texts.append(message.text)
      }
      return texts
    }
    #expect(expanded == ["0", "1", "2", "3"])
    try await expectCode(.permissionDenied) {
      try await client.expand(Echo_V1_EchoRequest("error:PERMISSION_DENIED")) { response in
        for try await _ in response.messages {}
      }
    }

    // Bidirectional: 3 echoed; one echoed then ABORTED.
    let echoed = try await client.update { writer in
      for text in ["x", "y", "z"] {
        try await writer.write(Echo_V1_EchoRequest(text))
      }
    } onResponse: { response in
      var texts: [String] = []
      for try await message in response.messages {
        texts.append(message.text)
      }
      return texts
    }
    #expect(echoed == ["x", "y", "z"])
    try await expectCode(.aborted) {
      try await client.update { writer in
        for text in ["x", "error:ABORTED"] {
          try await writer.write(Echo_V1_EchoRequest(text))
        }
      } onResponse: { response in
        for try await _ in response.messages {}
      }
    }

    // Bidirectional cancelled mid-stream while the handler works on the second message.
    let cancelledUpdate = Task {
      try await client.update { writer in
        try await writer.write(Echo_V1_EchoRequest("x"))
        try await writer.write(Echo_V1_EchoRequest("sleep:10000"))
        try await Task.sleep(for: .seconds(30))
      } onResponse: { response in
        for try await _ in response.messages {}
      }
    }
    _ = try await env.scrape {
      $0.value("grpc_server_msg_received_total", echoLabels("Update")) == 7
    }
    cancelledUpdate.cancel()
    _ = await cancelledUpdate.result
    _ = try await env.scrape {
      $0.sum("grpc_server_handled_total", matching: echoLabels("Update")) == 3
    }
  }
}

/// Expects `body` to fail with an `RPCError` of `code`.
func expectCode<T>(
  _ code: RPCError.Code,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () async throws -> T
) async throws {
  do {
    _ = try await body()
    Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
  } catch let error as RPCError {
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
  }
}
