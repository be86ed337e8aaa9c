import GRPCCore
import Prometheus

/// Wraps a client response's body parts: counts (and optionally times) each message delivered to
/// the caller and reports how the stream ended to the RPC's observer.
///
/// Generic over the message only, with the concrete `RPCAsyncSequence` as its base: it runs
/// unspecialised on every call, and each further generic parameter costs the Swift runtime
/// metadata and associated-type lookups per call and per part.
struct ClientResponseObserver<Message: Sendable>: AsyncSequence, Sendable {
  typealias Element = StreamingClientResponse<Message>.Contents.BodyPart
  typealias Base = RPCAsyncSequence<Element, any Error>

  private let base: Base
  private let observer: RPCObserver<RPCRecorder>
  private let metrics: GRPCMethodMetrics?

  init(_ base: Base, observer: RPCObserver<RPCRecorder>, metrics: GRPCMethodMetrics?) {
    self.base = base
    self.observer = observer
    self.metrics = metrics
  }

  func makeAsyncIterator() -> Iterator {
    Iterator(base: self.base.makeAsyncIterator(), observer: self.observer, metrics: self.metrics)
  }

  struct Iterator: AsyncIteratorProtocol {
    private var base: Base.AsyncIterator
    private let observer: RPCObserver<RPCRecorder>
    private let metrics: GRPCMethodMetrics?

    init(
      base: Base.AsyncIterator,
      observer: RPCObserver<RPCRecorder>,
      metrics: GRPCMethodMetrics?
    ) {
      self.base = base
      self.observer = observer
      self.metrics = metrics
    }

    mutating func next(isolation actor: isolated (any Actor)?) async throws -> Element? {
      let start = self.metrics?.messageReceiveTime == nil ? nil : ContinuousClock.now
      let part: Element?
      do {
        part = try await self.base.next(isolation: actor)
      } catch {
        self.observer.finish(clientError: error)
        throw error
      }
      switch part {
      case .message?:
        self.metrics?.received.increment()
        if let start, let histogram = self.metrics?.messageReceiveTime {
          histogram.record(start.duration(to: .now).seconds)
        }
      case .trailingMetadata?:
        break
      case nil:
        self.observer.finish(.ok)
      }
      return part
    }

    mutating func next() async throws -> Element? {
      try await self.next(isolation: nil)
    }
  }
}
