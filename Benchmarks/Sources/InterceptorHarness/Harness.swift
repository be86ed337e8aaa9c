public import EchoFixture
public import GRPCCore
import SwiftProtobuf

// A harness that calls the interceptors directly, as go-grpc-prometheus's benchmarks call theirs:
// no transport, a trivial handler, a writer that discards. The baseline runs the same harness with
// no interceptor, so the difference between two rows is the interceptor's own cost.

public typealias Request = Echo_V1_EchoRequest
public typealias Response = Echo_V1_EchoResponse

public let requestMessage = Request.with { $0.text = "hello" }
public let responseMessage = Response.with { $0.text = "hello" }

/// Yields `element` `count` times without allocating per element.
struct RepeatedSequence<Element: Sendable>: AsyncSequence, Sendable {
  let element: Element
  let count: Int

  func makeAsyncIterator() -> Iterator {
    Iterator(element: self.element, remaining: self.count)
  }

  struct Iterator: AsyncIteratorProtocol {
    let element: Element
    var remaining: Int

    mutating func next() async throws -> Element? {
      guard self.remaining > 0 else { return nil }
      self.remaining -= 1
      return self.element
    }
  }
}

/// A client response's body: `count` messages, then empty trailing metadata.
struct BodyParts<Message: Sendable>: AsyncSequence, Sendable {
  typealias Element = StreamingClientResponse<Message>.Contents.BodyPart

  let message: Message
  let count: Int

  func makeAsyncIterator() -> Iterator {
    Iterator(message: self.message, remaining: self.count, sentTrailers: false)
  }

  struct Iterator: AsyncIteratorProtocol {
    let message: Message
    var remaining: Int
    var sentTrailers: Bool

    mutating func next() async throws -> Element? {
      if self.remaining > 0 {
        self.remaining -= 1
        return .message(self.message)
      }
      if self.sentTrailers {
        return nil
      }
      self.sentTrailers = true
      return .trailingMetadata([:])
    }
  }
}

/// A writer that accepts and drops every message, like a transport with room to spare.
struct DiscardingWriter<Element: Sendable>: RPCWriterProtocol {
  func write(_ element: Element) async throws {
    sink(element)
  }

  func write(contentsOf elements: some Sequence<Element>) async throws {
    for element in elements {
      sink(element)
    }
  }
}

/// One shape of RPC for the harness.
public struct RPCShape: Sendable {
  /// Messages in the request stream.
  public var requestMessages: Int
  /// Messages the response producer writes.
  public var responseMessages: Int
  /// The handler fails (server: `next` throws; client: the server rejects the call).
  public var fails: Bool

  public init(requestMessages: Int = 1, responseMessages: Int = 1, fails: Bool = false) {
    self.requestMessages = requestMessages
    self.responseMessages = responseMessages
    self.fails = fails
  }
}

/// Keeps a value alive and opaque to the optimiser.
@inline(never)
public func sink<T>(_ value: T) {}

/// Starts and stops the measured region (a benchmark's `startMeasurement`/`stopMeasurement`).
public protocol MeasuredRegion {
  func startMeasurement()
  func stopMeasurement()
}

/// Runs `iterations` server RPCs through `interceptor` (or straight into the handler when `nil`),
/// measuring only the loop.
///
/// Each RPC runs inside its own `withServerContextRPCCancellationHandle`, as a transport runs a
/// handler, so `withRPCCancellationHandler` really registers its handler with a fresh manager.
public func runServerRPCs(
  _ benchmark: some MeasuredRegion,
  interceptor: (any ServerInterceptor)?,
  descriptor: MethodDescriptor,
  shape: RPCShape,
  iterations: Int
) async {
  let request = StreamingServerRequest(
    metadata: [:],
    messages: RPCAsyncSequence(
      wrapping: RepeatedSequence(element: requestMessage, count: shape.requestMessages)
    )
  )
  let writer = RPCWriter(wrapping: DiscardingWriter<Response>())
  let responseMessages = shape.responseMessages
  let fails = shape.fails
  let handler:
    @Sendable (StreamingServerRequest<Request>, ServerContext) async throws ->
      StreamingServerResponse<Response> = { request, _ in
        for try await message in request.messages {
          sink(message)
        }
        if fails {
          throw RPCError(code: .notFound, message: "not found")
        }
        return StreamingServerResponse { writer in
          for _ in 0 ..< responseMessages {
            try await writer.write(responseMessage)
          }
          return [:]
        }
      }

  benchmark.startMeasurement()
  for _ in 0 ..< iterations {
    await withServerContextRPCCancellationHandle { handle in
      let context = ServerContext(
        descriptor: descriptor,
        remotePeer: "ipv4:127.0.0.1:50000",
        localPeer: "ipv4:127.0.0.1:50051",
        cancellation: handle
      )
      do {
        let response: StreamingServerResponse<Response>
        if let interceptor {
          response = try await interceptor.intercept(
            request: request,
            context: context,
            next: handler
          )
        } else {
          response = try await handler(request, context)
        }
        let contents = try response.accepted.get()
        sink(try await contents.producer(writer))
      } catch {
        sink(error)
      }
    }
  }
  benchmark.stopMeasurement()
}

/// Runs `iterations` client calls through `interceptor` (or straight to the "transport" when
/// `nil`), draining each response's body parts as the generated client does.
public func runClientRPCs(
  _ benchmark: some MeasuredRegion,
  interceptor: (any ClientInterceptor)?,
  descriptor: MethodDescriptor,
  shape: RPCShape,
  iterations: Int
) async {
  let context = ClientContext(
    descriptor: descriptor,
    remotePeer: "ipv4:127.0.0.1:50051",
    localPeer: "ipv4:127.0.0.1:50000"
  )
  let requestMessages = shape.requestMessages
  let request = StreamingClientRequest(of: Request.self, metadata: [:]) { writer in
    for _ in 0 ..< requestMessages {
      try await writer.write(requestMessage)
    }
  }
  let writer = RPCWriter(wrapping: DiscardingWriter<Request>())
  let bodyParts = RPCAsyncSequence<StreamingClientResponse<Response>.Contents.BodyPart, any Error>(
    wrapping: BodyParts(message: responseMessage, count: shape.responseMessages)
  )
  let fails = shape.fails
  let transport:
    (StreamingClientRequest<Request>, ClientContext) async throws ->
      StreamingClientResponse<Response> = { request, _ in
        try await request.producer(writer)
        if fails {
          return StreamingClientResponse(error: RPCError(code: .notFound, message: "not found"))
        }
        return StreamingClientResponse(metadata: [:], bodyParts: bodyParts)
      }

  benchmark.startMeasurement()
  for _ in 0 ..< iterations {
    do {
      let response: StreamingClientResponse<Response>
      if let interceptor {
        response = try await interceptor.intercept(
          request: request,
          context: context,
          next: transport
        )
      } else {
        response = try await transport(request, context)
      }
      let contents = try response.accepted.get()
      for try await part in contents.bodyParts {
        sink(part)
      }
    } catch {
      sink(error)
    }
  }
  benchmark.stopMeasurement()
}
