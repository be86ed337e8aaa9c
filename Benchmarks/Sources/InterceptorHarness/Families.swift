import EchoFixture
import GRPCCore
public import GRPCPrometheus
import Prometheus

/// Which families an interceptor records.
public enum Families: String, CaseIterable, Sendable {
  /// go-grpc-prometheus's defaults: counters only.
  case counters
  /// Counters and the handling-time histogram (`EnableHandlingTimeHistogram()`).
  case histogram
  /// Everything: histograms, plus the BentoML-shaped API-server (server) or runner (client)
  /// families; on the client also the per-message send/receive histograms.
  case all

  public func serverInterceptor() throws -> ServerMetricsInterceptor {
    var options = ServerMetricsOptions()
    if self != .counters {
      options.handlingTimeHistogram = .grpcDefault
    }
    if self == .all {
      options.apiServerMetrics = APIServerMetricsOptions(serviceName: "echo", serviceVersion: "1")
    }
    return try ServerMetricsInterceptor(
      registry: PrometheusCollectorRegistry(),
      services: [EchoService()],
      options: options
    )
  }

  public func clientInterceptor() throws -> ClientMetricsInterceptor {
    var options = ClientMetricsOptions()
    if self != .counters {
      options.handlingTimeHistogram = .grpcDefault
    }
    if self == .all {
      options.messageReceiveTimeHistogram = .grpcDefault
      options.messageSendTimeHistogram = .grpcDefault
      options.runnerMetrics = RunnerMetricsOptions(
        runnerName: "echo",
        serviceName: "gateway",
        serviceVersion: "1"
      )
    }
    return try ClientMetricsInterceptor(
      registry: PrometheusCollectorRegistry(),
      methods: Echo_V1_Echo.Method.descriptors,
      options: options
    )
  }
}
