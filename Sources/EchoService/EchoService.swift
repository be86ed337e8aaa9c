public import GRPCCore
import SwiftProtobuf

/// The demo and test implementation of `echo.v1.Echo`.
///
/// Besides the behaviour `echo.proto` documents for `Get` (`error:<CODE_NAME>`, `sleep:<ms>`,
/// `panic`), every method understands the same special texts in any request message, so tests can
/// drive each RPC kind down each path:
/// - `error:<CODE_NAME>` fails the RPC with that code (`error:NOT_FOUND`);
/// - `sleep:<ms>` waits that long first, stopping early if the RPC is cancelled;
/// - `panic` throws an error that is not an `RPCError` (the client sees `UNKNOWN`).
///
/// `Expand` answers `N` messages for the text `N` (`"0"`, `"1"`, …); `Collect` answers with the
/// number of messages received; `Update` echoes every message.
public struct EchoService: Echo_V1_Echo.ServiceProtocol {
  /// Creates the service.
  public init() {}

  public func get(
    request: ServerRequest<Echo_V1_EchoRequest>,
    context: ServerContext
  ) async throws -> ServerResponse<Echo_V1_EchoResponse> {
    try await Self.perform(request.message.text, context: context)
    return ServerResponse(message: .with { $0.text = request.message.text })
  }

  public func collect(
    request: StreamingServerRequest<Echo_V1_EchoRequest>,
    context: ServerContext
  ) async throws -> ServerResponse<Echo_V1_EchoResponse> {
    var count = 0
    for try await message in request.messages {
      try await Self.perform(message.text, context: context)
      count += 1
    }
    return ServerResponse(message: .with { $0.text = String(count) })
  }

  public func expand(
    request: ServerRequest<Echo_V1_EchoRequest>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Echo_V1_EchoResponse> {
    let text = request.message.text
    try await Self.perform(text, context: context)
    guard let count = Int(text), count >= 0 else {
      throw RPCError(code: .invalidArgument, message: "Expand takes a count, got '\(text)'.")
    }
    return StreamingServerResponse { writer in
      for index in 0 ..< count {
        try await writer.write(.with { $0.text = String(index) })
      }
      return [:]
    }
  }

  public func update(
    request: StreamingServerRequest<Echo_V1_EchoRequest>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Echo_V1_EchoResponse> {
    StreamingServerResponse { writer in
      for try await message in request.messages {
        try await Self.perform(message.text, context: context)
        try await writer.write(.with { $0.text = message.text })
      }
      return [:]
    }
  }

  /// Acts on a special text; returns normally for any other text.
  static func perform(_ text: String, context: ServerContext) async throws {
    if text == "panic" {
      throw EchoPanic()
    } else if text.hasPrefix("error:") {
      let name = String(text.dropFirst("error:".count))
      guard let code = StatusCodeName.code(named: name), let errorCode = RPCError.Code(code)
      else {
        throw RPCError(code: .invalidArgument, message: "Unknown status code name '\(name)'.")
      }
      throw RPCError(code: errorCode, message: "Requested \(name).")
    } else if text.hasPrefix("sleep:"), let milliseconds = Int(text.dropFirst("sleep:".count)) {
      try await Self.sleep(.milliseconds(milliseconds), context: context)
    }
  }

  /// Sleeps, waking early when the RPC is cancelled: grpc-swift flips the RPC's cancellation handle
  /// on client cancel or deadline but does not cancel the handler's task.
  static func sleep(_ duration: Duration, context: ServerContext) async throws {
    let sleeper = Task { try await Task.sleep(for: duration) }
    try await withRPCCancellationHandler {
      do {
        try await sleeper.value
      } catch is CancellationError {
        throw RPCError(code: .cancelled, message: "The RPC was cancelled while sleeping.")
      }
    } onCancelRPC: {
      sleeper.cancel()
    }
  }
}

/// The error `panic` throws: deliberately not an `RPCError`.
public struct EchoPanic: Error, CustomStringConvertible {
  public init() {}
  public var description: String { "panic requested" }
}
