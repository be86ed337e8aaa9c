import Atomics
import GRPCCore
import Prometheus

/// One method's handles in the go-grpc-prometheus families, resolved once so that an RPC touches
/// only atomics (and the histogram's own lock) on its path.
final class GRPCMethodMetrics: RPCOutcomeRecorder {
  let started: Counter
  let received: Counter
  let sent: Counter
  let handlingTime: ValueHistogram?
  let messageReceiveTime: ValueHistogram?
  let messageSendTime: ValueHistogram?
  /// Indexed by `Status.Code.rawValue`; filled on first use of a code (or up front).
  private let handled: [ManagedAtomicLazyReference<Counter>]
  private let makeHandledCounter: @Sendable (Status.Code) -> Counter

  init(
    started: Counter,
    received: Counter,
    sent: Counter,
    handlingTime: ValueHistogram?,
    messageReceiveTime: ValueHistogram?,
    messageSendTime: ValueHistogram?,
    makeHandledCounter: @escaping @Sendable (Status.Code) -> Counter
  ) {
    self.started = started
    self.received = received
    self.sent = sent
    self.handlingTime = handlingTime
    self.messageReceiveTime = messageReceiveTime
    self.messageSendTime = messageSendTime
    self.handled = Status.Code.all.map { _ in ManagedAtomicLazyReference() }
    self.makeHandledCounter = makeHandledCounter
  }

  func preinitializeHandled() {
    for code in Status.Code.all {
      _ = self.handledCounter(code)
    }
  }

  func handledCounter(_ code: Status.Code) -> Counter {
    let slot = self.handled[code.rawValue]
    if let counter = slot.load() {
      return counter
    }
    return slot.storeIfNilThenLoad(self.makeHandledCounter(code))
  }

  func recordFinished(code: Status.Code, duration: Duration) {
    self.handledCounter(code).increment()
    self.handlingTime?.record(duration.seconds)
  }
}

extension Duration {
  /// The duration as fractional seconds, the unit of every `_seconds` family.
  var seconds: Double {
    let (seconds, attoseconds) = self.components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}
