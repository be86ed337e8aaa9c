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

/// Builds a method's instruments from the families an interceptor registered; shared by the server
/// and the client so both decide the same way which families a method records into.
struct MethodInstrumentsFactory: Sendable {
  var grpc: GRPCFamilies?
  var preinitializesSeries: Bool
  var api: APIFamilies?
  var apiNameSource: APINameSource
  var apiInstrumentsStreamingRPCs: Bool
  /// The name a method's API series carry by default: `Get` on the server, `/Get` for runners.
  var apiDefaultName: @Sendable (MethodDescriptor) -> String

  func make(for descriptor: MethodDescriptor) -> MethodInstruments {
    var api: APIMethodMetrics?
    if let families = self.api, self.apiInstrumentsStreamingRPCs || !descriptor.isStreaming {
      api = APIMethodMetrics(
        families: families,
        defaultName: self.apiDefaultName(descriptor),
        nameSource: self.apiNameSource
      )
    }
    return MethodInstruments(
      grpc: self.grpc?.makeMethodMetrics(for: descriptor, preinitialize: self.preinitializesSeries),
      api: api
    )
  }
}
