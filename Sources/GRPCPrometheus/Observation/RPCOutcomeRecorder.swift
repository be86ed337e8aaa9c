import GRPCCore

/// Receives the final outcome of one RPC, exactly once.
protocol RPCOutcomeRecorder: Sendable {
  /// Records the status the RPC ended with and how long it took.
  func recordFinished(code: Status.Code, duration: Duration)
}
