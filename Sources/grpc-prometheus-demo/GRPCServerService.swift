import GRPCCore
import ServiceLifecycle

/// Runs a `GRPCServer` inside a `ServiceGroup`, draining it on graceful shutdown.
struct GRPCServerService<Transport: ServerTransport>: Service {
  let server: GRPCServer<Transport>

  func run() async throws {
    try await withGracefulShutdownHandler {
      try await self.server.serve()
    } onGracefulShutdown: {
      self.server.beginGracefulShutdown()
    }
  }
}
