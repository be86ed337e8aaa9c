import Synchronization

/// Tells ``ClientMetricsInterceptor/observeCall(to:_:)`` whether a call reached the interceptor:
/// grpc-swift runs client interceptors in the calling task's tree, so a task-local reaches them.
final class CallObservation: Sendable {
  @TaskLocal static var current: CallObservation?

  private let intercepted = Atomic<Bool>(false)

  var wasIntercepted: Bool {
    self.intercepted.load(ordering: .acquiring)
  }

  func markIntercepted() {
    self.intercepted.store(true, ordering: .releasing)
  }
}
