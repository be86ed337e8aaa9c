import GRPCCore
import Prometheus
import Synchronization

/// One method's view of the API families: the series named after the method, and how a call's
/// name is found.
struct APIMethodMetrics: Sendable {
  let families: APIFamilies
  let defaultSeries: APISeries
  let defaultName: String
  let derive: (@Sendable (Any) -> String?)?
  let limit: APINameLimit?

  init(families: APIFamilies, defaultName: String, nameSource: APINameSource) {
    self.families = families
    self.defaultName = defaultName
    self.defaultSeries = families.series(named: defaultName)
    switch nameSource.kind {
    case .methodName:
      self.derive = nil
      self.limit = nil
    case .derived(let derive, let limit):
      self.derive = derive
      self.limit = limit
    }
  }

  /// Begins tracking one RPC.
  func startRPC() -> APIRPCTracker {
    APIRPCTracker(method: self)
  }
}

/// Tracks one RPC in the API families: in progress from its start (or from its first request
/// message, when the name is read from it) until its outcome, which is recorded exactly once.
final class APIRPCTracker: Sendable {
  private enum State {
    case awaitingName
    case active(APISeries)
    case finished
  }

  private let method: APIMethodMetrics
  private let state: Mutex<State>
  private let hasName: Atomic<Bool>

  init(method: APIMethodMetrics) {
    self.method = method
    if method.derive == nil {
      method.defaultSeries.inProgress.increment()
      self.state = Mutex(.active(method.defaultSeries))
      self.hasName = Atomic(true)
    } else {
      self.state = Mutex(.awaitingName)
      self.hasName = Atomic(false)
    }
  }

  /// Reads the call's name from its first request message.
  func requestMessage<Message>(_ message: Message) {
    guard !self.hasName.load(ordering: .acquiring), let derive = self.method.derive else { return }
    let name = derive(message).map { self.method.limit?.admit($0) ?? $0 } ?? self.method.defaultName
    let series = self.method.families.series(named: name)
    self.state.withLock { state in
      guard case .awaitingName = state else { return }
      series.inProgress.increment()
      state = .active(series)
    }
    self.hasName.store(true, ordering: .releasing)
  }

  /// Records the outcome; an RPC that ended before naming itself counts under the method name.
  func finished(code: Status.Code, duration: Duration) {
    let series: APISeries? = self.state.withLock { state in
      defer { state = .finished }
      switch state {
      case .awaitingName: return self.method.defaultSeries
      case .active(let series):
        series.inProgress.decrement()
        return series
      case .finished: return nil
      }
    }
    series?.record(code: code, duration: duration)
  }
}
