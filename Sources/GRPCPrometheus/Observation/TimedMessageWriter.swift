import GRPCCore
import Prometheus

/// Wraps a writer, counting each message the transport accepted and, when a histogram is given,
/// timing each write (the client's `msg_send_handling_seconds`).
struct TimedMessageWriter<Element: Sendable>: RPCWriterProtocol {
  private let base: RPCWriter<Element>
  private let counter: Counter?
  private let histogram: ValueHistogram?

  init(_ base: RPCWriter<Element>, counter: Counter?, histogram: ValueHistogram?) {
    self.base = base
    self.counter = counter
    self.histogram = histogram
  }

  func write(_ element: Element) async throws {
    if let histogram = self.histogram {
      let start = ContinuousClock.now
      try await self.base.write(element)
      histogram.record(start.duration(to: .now).seconds)
    } else {
      try await self.base.write(element)
    }
    self.counter?.increment()
  }

  func write(contentsOf elements: some Sequence<Element>) async throws {
    for element in elements {
      try await self.write(element)
    }
  }
}
