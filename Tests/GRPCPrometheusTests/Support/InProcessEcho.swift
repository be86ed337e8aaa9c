import EchoService
import GRPCCore
import GRPCInProcessTransport

/// Runs the Echo service over the in-process transport with the given interceptors and hands
/// `body` a client of it; the server stops once `body` returns.
func withInProcessEcho(
  serverInterceptors: [any ServerInterceptor] = [],
  clientInterceptors: [any ClientInterceptor] = [],
  _ body: (GRPCClient<InProcessTransport.Client>) async throws -> Void
) async throws {
  let transport = InProcessTransport()
  try await withGRPCServer(
    transport: transport.server,
    services: [EchoService()],
    interceptors: serverInterceptors
  ) { _ in
    try await withGRPCClient(transport: transport.client, interceptors: clientInterceptors) {
      try await body($0)
    }
  }
}
