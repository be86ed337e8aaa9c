import GRPCCore

/// Wraps a message sequence and reports each element as it is handed to the consumer, so a message
/// counts as received only once the application really got it.
///
/// It runs unspecialised on every RPC, so it is kept cheap for the Swift runtime: generic over the
/// element only, with the concrete `RPCAsyncSequence` as its base (no associated-type lookups, no
/// witness-table dispatch per message), and it holds the RPC's recorder rather than a closure (a
/// capturing closure would cost an allocation per RPC and an `Any` box per message).
struct MessageCountingSequence<Element: Sendable>: AsyncSequence, Sendable {
  typealias Base = RPCAsyncSequence<Element, any Error>

  private let base: Base
  private let recorder: RPCRecorder

  init(_ base: Base, recorder: RPCRecorder) {
    self.base = base
    self.recorder = recorder
  }

  func makeAsyncIterator() -> Iterator {
    Iterator(base: self.base.makeAsyncIterator(), recorder: self.recorder)
  }

  struct Iterator: AsyncIteratorProtocol {
    private var base: Base.AsyncIterator
    private let recorder: RPCRecorder

    init(base: Base.AsyncIterator, recorder: RPCRecorder) {
      self.base = base
      self.recorder = recorder
    }

    mutating func next(
      isolation actor: isolated (any Actor)?
    ) async throws -> Element? {
      let element = try await self.base.next(isolation: actor)
      if let element {
        self.recorder.requestMessage(element)
      }
      return element
    }

    mutating func next() async throws -> Element? {
      try await self.next(isolation: nil)
    }
  }
}
