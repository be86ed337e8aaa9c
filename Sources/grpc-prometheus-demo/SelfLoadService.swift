import EchoService
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPrometheus
import Prometheus
import ServiceLifecycle

/// A gentle background load against the demo's own server, so the one-command demo shows live
/// numbers; its client metrics land in the same registry as the server's.
struct SelfLoadService: Service {
  let host: String
  let port: Int
  let registry: PrometheusCollectorRegistry

  func run() async throws {
    let interceptor = try ClientMetricsInterceptor(
      registry: self.registry,
      methods: Echo_V1_Echo.Method.descriptors,
      options: LoadCommand.clientOptions()
    )
    let transport = try HTTP2ClientTransport.Posix(
      target: .ipv4(address: self.host, port: self.port),
      transportSecurity: .plaintext
    )
    let generator = LoadGenerator(mix: .all, concurrency: 2, budget: nil, pause: .milliseconds(50))
    try await withGRPCClient(transport: transport, interceptors: [interceptor]) { client in
      await cancelWhenGracefulShutdown {
        await generator.run(Echo_V1_Echo.Client(wrapping: client))
      }
    }
  }
}
