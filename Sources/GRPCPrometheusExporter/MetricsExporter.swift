public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle
import Synchronization

/// An HTTP/1.1 server that serves a registry's metrics for Prometheus to scrape.
///
/// Run it beside the gRPC server in a `ServiceGroup`; it stops accepting scrapes on graceful
/// shutdown, lets the scrapes in flight finish, and returns.
///
/// ```swift
/// let exporter = MetricsExporter(registry: registry, configuration: .init(port: 9464))
/// let group = ServiceGroup(services: [grpcServer, exporter], logger: logger)
/// try await group.run()
/// ```
public final class MetricsExporter: Service {
  private let configuration: MetricsExporterConfiguration
  private let responder: MetricsResponder
  private let logger: Logger
  private let portPromise = ListeningPortPromise()
  private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
  private let isShuttingDown = Atomic<Bool>(false)

  /// Creates an exporter for `registry`; nothing listens until ``run()``.
  public init(
    registry: PrometheusCollectorRegistry,
    configuration: MetricsExporterConfiguration = MetricsExporterConfiguration(),
    logger: Logger = Logger(label: "grpc-prometheus.exporter")
  ) {
    self.configuration = configuration
    self.responder = MetricsResponder(path: configuration.path) { registry.emitToBuffer() }
    self.logger = logger
  }

  /// The port the exporter listens on, once it does (useful with port `0`).
  ///
  /// - Throws: the error that stopped the exporter from binding.
  public var listeningPort: Int {
    get async throws { try await self.portPromise.port }
  }

  /// Listens and serves until graceful shutdown or task cancellation.
  public func run() async throws {
    let server:
      NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    do {
      server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.allowRemoteHalfClosure, value: true)
        .bind(host: self.configuration.host, port: self.configuration.port) { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
              withErrorHandling: true
            )
            return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
              wrappingChannelSynchronously: channel
            )
          }
        }
    } catch {
      self.portPromise.complete(.failure(error))
      throw error
    }
    let port = server.channel.localAddress?.port ?? self.configuration.port
    self.portPromise.complete(.success(port))
    self.logger.info(
      "Serving metrics",
      metadata: ["address": "http://\(self.configuration.host):\(port)\(self.configuration.path)"]
    )

    try await withGracefulShutdownHandler {
      try await withThrowingDiscardingTaskGroup { group in
        try await server.executeThenClose { connections in
          for try await connection in connections {
            group.addTask {
              await self.serve(connection)
            }
          }
        }
      }
    } onGracefulShutdown: {
      self.beginShutdown(server: server.channel)
    }
  }

  /// Stops accepting connections and ends idle ones; a scrape being answered completes first.
  private func beginShutdown(server: any Channel) {
    self.isShuttingDown.store(true, ordering: .releasing)
    server.close(promise: nil)
    for channel in self.connections.withLock({ Array($0.values) }) {
      channel.close(mode: .input, promise: nil)
    }
  }

  private func serve(
    _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
  )
    async
  {
    let id = ObjectIdentifier(connection.channel)
    self.connections.withLock { $0[id] = connection.channel }
    defer { self.connections.withLock { _ = $0.removeValue(forKey: id) } }
    if self.isShuttingDown.load(ordering: .acquiring) {
      connection.channel.close(promise: nil)
      return
    }

    do {
      try await connection.executeThenClose { inbound, outbound in
        var requestHead: HTTPRequestHead?
        for try await part in inbound {
          switch part {
          case .head(let head):
            requestHead = head
          case .body:
            continue
          case .end:
            guard let head = requestHead else { continue }
            requestHead = nil
            let keepAlive = head.isKeepAlive && !self.isShuttingDown.load(ordering: .acquiring)
            try await self.write(
              self.responder.respond(to: head),
              keepAlive: keepAlive,
              to: outbound
            )
            if !keepAlive {
              return
            }
          }
        }
      }
    } catch {
      self.logger.debug("Metrics connection ended", metadata: ["error": "\(error)"])
    }
  }

  private func write(
    _ response: MetricsResponder.Response,
    keepAlive: Bool,
    to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
  ) async throws {
    var headers = response.headers
    headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
    let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
    try await outbound.write(.head(head))
    if response.sendsBody {
      try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
    }
    try await outbound.write(.end(nil))
  }
}
