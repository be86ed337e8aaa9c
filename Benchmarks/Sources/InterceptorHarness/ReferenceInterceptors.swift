public import GRPCCore

/// Reference points for the interceptors' cost: what grpc-swift's interceptor API costs before an
/// interceptor does anything, and then with each kind of wrapping a metrics interceptor needs.
public enum ReferenceLevel: String, CaseIterable, Sendable {
  /// Calls `next` and returns its response: the floor of any interceptor.
  case passThrough = "pass-through"
  /// Also runs `next` inside `withRPCCancellationHandler`.
  case cancellationHandler = "cancellation-handler"
  /// Also replaces the response's producer with one that wraps the writer.
  case wrappedWriter = "wrapped-writer"
  /// Also wraps the request's message sequence.
  case wrappedMessages = "wrapped-messages"
}

final class Flag: Sendable {
  func set() {}
}

/// A server interceptor that does the wrapping of `level` and records nothing.
public struct ReferenceServerInterceptor: ServerInterceptor {
  let level: ReferenceLevel

  public init(_ level: ReferenceLevel) {
    self.level = level
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next:
      @Sendable (
        _ request: StreamingServerRequest<Input>,
        _ context: ServerContext
      ) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    if self.level == .passThrough {
      return try await next(request, context)
    }
    let flag = Flag()
    var request = request
    if self.level == .wrappedMessages {
      request.messages = RPCAsyncSequence(wrapping: PassThroughSequence(base: request.messages))
    }
    var response = try await withRPCCancellationHandler {
      try await next(request, context)
    } onCancelRPC: {
      flag.set()
    }
    guard self.level != .cancellationHandler, case .success(var contents) = response.accepted else {
      return response
    }
    let produce = contents.producer
    contents.producer = { writer in
      try await produce(RPCWriter(wrapping: PassThroughWriter(base: writer)))
    }
    response.accepted = .success(contents)
    return response
  }
}

struct PassThroughWriter<Element: Sendable>: RPCWriterProtocol {
  let base: RPCWriter<Element>

  func write(_ element: Element) async throws {
    try await self.base.write(element)
  }

  func write(contentsOf elements: some Sequence<Element>) async throws {
    try await self.base.write(contentsOf: elements)
  }
}

struct PassThroughSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element: Sendable {
  typealias Element = Base.Element
  let base: Base

  func makeAsyncIterator() -> Iterator {
    Iterator(base: self.base.makeAsyncIterator())
  }

  struct Iterator: AsyncIteratorProtocol {
    var base: Base.AsyncIterator

    mutating func next(
      isolation actor: isolated (any Actor)?
    ) async throws(Base.Failure) -> Element? {
      try await self.base.next(isolation: actor)
    }

    mutating func next() async throws -> Element? {
      try await self.next(isolation: nil)
    }
  }
}

/// A client interceptor that calls `next` and returns its response: the floor of any interceptor.
public struct PassThroughClientInterceptor: ClientInterceptor {
  public init() {}

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingClientRequest<Input>,
    context: ClientContext,
    next: (
      _ request: StreamingClientRequest<Input>,
      _ context: ClientContext
    ) async throws -> StreamingClientResponse<Output>
  ) async throws -> StreamingClientResponse<Output> {
    try await next(request, context)
  }
}
