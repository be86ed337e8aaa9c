import GRPCPrometheusExporter
import Synchronization

/// A source that holds every scrape inside `emit` until released, to make scrapes slow on
/// purpose; `entered` yields once per scrape that reached it.
final class GatedSource: MetricsSource {
  let entered: AsyncStream<Void>
  private let enteredContinuation: AsyncStream<Void>.Continuation
  private let state = Mutex<(released: Bool, waiters: [CheckedContinuation<Void, Never>])>(
    (false, [])
  )

  init() {
    (self.entered, self.enteredContinuation) = AsyncStream.makeStream()
  }

  func emit(into buffer: inout [UInt8]) async {
    self.enteredContinuation.yield()
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let resumeNow = self.state.withLock { state in
          if state.released { return true }
          state.waiters.append(continuation)
          return false
        }
        if resumeNow {
          continuation.resume()
        }
      }
    } onCancel: {
      self.release()
    }
    buffer.append(contentsOf: "# HELP gated A gated source.\n# TYPE gated gauge\ngated 1\n".utf8)
  }

  /// Lets every held and later scrape through.
  func release() {
    let waiters = self.state.withLock { state in
      state.released = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters {
      waiter.resume()
    }
  }

  /// Waits until `count` scrapes have reached the source.
  func waitUntilEntered(_ count: Int, timeout: Duration = .seconds(10)) async throws {
    let entered = self.entered
    try await withTimeout(timeout) {
      var iterator = entered.makeAsyncIterator()
      for _ in 0 ..< count {
        _ = await iterator.next()
      }
    }
  }
}

/// A source that fails while `failing` is set.
final class SwitchableFailingSource: MetricsSource {
  struct Failure: Error, CustomStringConvertible {
    var description: String { "the test source failed on purpose" }
  }

  private let failing = Atomic<Bool>(true)

  func stopFailing() {
    self.failing.store(false, ordering: .relaxed)
  }

  func emit(into buffer: inout [UInt8]) throws {
    if self.failing.load(ordering: .relaxed) {
      throw Failure()
    }
    buffer.append(
      contentsOf: "# HELP switchable A source.\n# TYPE switchable gauge\nswitchable 1\n".utf8
    )
  }
}

/// A source with a large exposition (a comment line of `bytes` bytes and one gauge), which
/// announces each scrape on `emitted`.
final class LargeSource: MetricsSource {
  let bytes: Int
  let emitted: AsyncStream<Void>
  private let emittedContinuation: AsyncStream<Void>.Continuation

  init(bytes: Int) {
    self.bytes = bytes
    (self.emitted, self.emittedContinuation) = AsyncStream.makeStream()
  }

  func emit(into buffer: inout [UInt8]) {
    buffer.append(UInt8(ascii: "#"))
    buffer.append(contentsOf: [UInt8](repeating: UInt8(ascii: "x"), count: self.bytes))
    buffer.append(contentsOf: "\n# HELP large A large source.\n# TYPE large gauge\nlarge 1\n".utf8)
    self.emittedContinuation.yield()
  }
}
