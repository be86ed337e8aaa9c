import GRPCCore
import Prometheus

/// Everything one method records into: the go-grpc-prometheus families and the BentoML-shaped
/// families, each optional. Resolved once per method; each RPC then only touches handles.
struct MethodInstruments: Sendable {
  let grpc: GRPCMethodMetrics?
  let api: APIMethodMetrics?

  /// Starts recording one RPC.
  func startRPC() -> RPCRecorder {
    self.grpc?.started.increment()
    return RPCRecorder(grpc: self.grpc, api: self.api?.startRPC())
  }
}

/// Records the outcome of one RPC into every family its method uses.
struct RPCRecorder: RPCOutcomeRecorder {
  let grpc: GRPCMethodMetrics?
  let api: APIRPCTracker?

  func recordFinished(code: Status.Code, duration: Duration) {
    self.grpc?.recordFinished(code: code, duration: duration)
    self.api?.finished(code: code, duration: duration)
  }

  /// A request message reached the application.
  func requestMessage(_ message: Any) {
    self.grpc?.received.increment()
    self.api?.requestMessage(message)
  }
}
