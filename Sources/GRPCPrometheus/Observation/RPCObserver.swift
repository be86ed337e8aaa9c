import GRPCCore
import Synchronization

/// Observes one RPC: when it started, and the first signal that says how it ended.
///
/// Several places can report the end of an RPC in grpc-swift 2: a throw from `next`, a rejected
/// response, the response producer's result, the cancellation handle, or the response being
/// dropped unused. They race, and some report noise after a cancellation ("I/O on closed
/// channel"). The observer lets the first one win, so every RPC is recorded exactly once.
final class RPCObserver<Recorder: RPCOutcomeRecorder>: Sendable {
  private let recorder: Recorder
  private let start: ContinuousClock.Instant
  /// The request's metadata, for its `grpc-timeout`: read only when the RPC is cancelled, the one
  /// outcome that needs it, rather than on every RPC.
  private let requestMetadata: Metadata
  private let isFinished = Atomic<Bool>(false)

  init(recorder: Recorder, requestMetadata: Metadata) {
    self.recorder = recorder
    self.requestMetadata = requestMetadata
    self.start = .now
  }

  /// The last resort: a response dropped before its producer ran (grpc-swift skips the producer
  /// when the stream was reset while the handler ran), or a client response abandoned before its
  /// end. Either way the caller gave up on the RPC.
  deinit {
    if !self.isFinished.load(ordering: .acquiring) {
      self.finishCancelled()
    }
  }

  /// The time since the RPC started.
  var elapsed: Duration {
    self.start.duration(to: .now)
  }

  /// Records `code` unless another signal already ended the RPC.
  func finish(_ code: Status.Code) {
    let (exchanged, _) = self.isFinished.compareExchange(
      expected: false,
      desired: true,
      ordering: .acquiringAndReleasing
    )
    guard exchanged else { return }
    self.recorder.recordFinished(code: code, duration: self.elapsed)
  }

  /// Records that the RPC was cancelled: `DeadlineExceeded` if its deadline had passed, otherwise
  /// `Canceled`.
  func finishCancelled() {
    let elapsed = self.elapsed
    let timeout = GRPCTimeout.timeout(in: self.requestMetadata)
    let isDeadline = GRPCTimeout.isDeadline(elapsed: elapsed, timeout: timeout)
    self.finish(isDeadline ? .deadlineExceeded : .cancelled)
  }

  /// Records a result reported by the application, unless the RPC was already cancelled: after a
  /// cancellation the handler's result is noise (a failed write, or an `OK` nobody receives).
  func finish(_ code: Status.Code, unlessCancelled isCancelled: Bool) {
    if isCancelled {
      self.finishCancelled()
    } else {
      self.finish(code)
    }
  }

  /// Records the code `error` puts on the wire, unless the RPC was already cancelled.
  func finish(throwing error: any Error, unlessCancelled isCancelled: Bool) {
    self.finish(Self.code(of: error), unlessCancelled: isCancelled)
  }

  /// Records how a client call failed. grpc-swift surfaces a task cancellation and an expired
  /// `CallOptions.timeout` alike inside interceptors (a `CancellationError`, bare or as the cause
  /// of an `unknown` error), so both are told apart by the deadline.
  func finish(clientError error: any Error) {
    if Self.isCancellation(error) {
      self.finishCancelled()
    } else {
      self.finish(Self.code(of: error))
    }
  }

  private static func isCancellation(_ error: any Error) -> Bool {
    if error is CancellationError {
      return true
    }
    guard let error = error as? RPCError else { return false }
    switch error.code {
    case .cancelled:
      return true
    case .unknown:
      return error.cause is CancellationError
    default:
      return false
    }
  }

  /// The status grpc-swift sends for `error`: its own code for an `RPCError` (or a convertible
  /// error), `Unknown` for anything else.
  static func code(of error: any Error) -> Status.Code {
    if let error = error as? RPCError {
      return Status.Code(error.code)
    } else if let error = error as? any RPCErrorConvertible {
      return Status.Code(error.rpcErrorCode)
    } else {
      return .unknown
    }
  }
}
