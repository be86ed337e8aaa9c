import GRPCCore
import Prometheus

/// Everything one method records into: the go-grpc-prometheus families and the BentoML-shaped
/// families, each optional. Resolved once per method; each RPC then only touches handles.
struct MethodInstruments: Sendable {
  let grpc: GRPCMethodMetrics?
  let api: APIMethodMetrics?
  /// The method's request is exactly one message (unary or server-streaming) that nothing needs to
  /// see: no API name is read from it and no send-time histogram times its write. It then counts
  /// when the RPC starts, where go-grpc-prometheus counts a unary request, which spares the RPC the
  /// wrapped message sequence (server) or request producer (client), the largest single cost
  /// grpc-swift charges an interceptor (BENCHMARKS.md). `false` when the RPC type is unknown.
  let countsRequestAtStart: Bool
  /// The method answers with exactly one message (unary or client-streaming). `false` when the
  /// RPC type is unknown.
  let hasSingleResponse: Bool

  init(grpc: GRPCMethodMetrics?, api: APIMethodMetrics?, descriptor: MethodDescriptor) {
    self.grpc = grpc
    self.api = api
    let hasSingleRequest = descriptor.type.map { !$0.isRequestStreaming } ?? false
    self.countsRequestAtStart =
      hasSingleRequest && api?.derive == nil && grpc?.messageSendTime == nil
    self.hasSingleResponse = descriptor.type.map { !$0.isResponseStreaming } ?? false
  }

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
  ///
  /// Generic so that a message is boxed as `Any` only when an API name is read from it.
  func requestMessage<Message>(_ message: Message) {
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
      api: api,
      descriptor: descriptor
    )
  }
}
