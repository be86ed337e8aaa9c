public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle

/// An HTTP/1.1 server that serves metrics for Prometheus to scrape, hardened for production:
/// TLS and basic authentication (``MetricsWebConfiguration``), gzip, limits on concurrent scrapes,
/// connections, request sizes and slow or silent clients (``MetricsExporterLimits``), promhttp's
/// self-metrics, and several sources in one exposition (``MetricsSource``).
///
/// Run it beside the gRPC server in a `ServiceGroup`. On graceful shutdown it stops accepting
/// connections, closes idle ones, lets the scrapes in flight finish (their connections then
/// close), and returns.
///
/// ```swift
/// let exporter = MetricsExporter(
///   sources: [registry, ProcessMetricsCollector()],
///   configuration: MetricsExporterConfiguration(port: 9464)
/// )
/// let group = ServiceGroup(services: [grpcServer, exporter], logger: logger)
/// try await group.run()
/// ```
public final class MetricsExporter: Service {
  private let configuration: MetricsExporterConfiguration
  private let responder: MetricsResponder
  private let logger: Logger
  private let portPromise = ListeningPortPromise()
  private let tracker: ConnectionTracker
  private static let writeSliceBytes = 64 * 1024

  /// Creates an exporter for one registry (plus promhttp's self-metrics, unless
  /// ``MetricsExporterConfiguration/servesHandlerMetrics`` is off); nothing listens until
  /// ``run()``.
  public convenience init(
    registry: PrometheusCollectorRegistry,
    configuration: MetricsExporterConfiguration = MetricsExporterConfiguration(),
    logger: Logger = Logger(label: "grpc-prometheus.exporter")
  ) {
    self.init(sources: [registry], configuration: configuration, logger: logger)
  }

  /// Creates an exporter that serves several sources as one exposition, in the order given,
  /// followed by promhttp's self-metrics unless
  /// ``MetricsExporterConfiguration/servesHandlerMetrics`` is off. Nothing listens until
  /// ``run()``.
  ///
  /// - Parameter sources: For example `[registry, ProcessMetricsCollector()]`. No two may emit
  ///   the same family: a scrape that finds one twice answers `500` (see ``MetricsSource``).
  public init(
    sources: [any MetricsSource],
    configuration: MetricsExporterConfiguration = MetricsExporterConfiguration(),
    logger: Logger = Logger(label: "grpc-prometheus.exporter")
  ) {
    self.configuration = configuration
    self.responder = MetricsResponder(
      sources: sources,
      configuration: configuration,
      logger: logger
    )
    self.logger = logger
    self.tracker = ConnectionTracker(
      maximumConnections: configuration.limits.maximumConnections
    )
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
      server = try await self.bind()
    } catch {
      self.portPromise.complete(.failure(error))
      throw error
    }
    let port = server.channel.localAddress?.port ?? self.configuration.port
    self.portPromise.complete(.success(port))
    let scheme = self.configuration.web.tls == nil ? "http" : "https"
    self.logger.info(
      "Serving metrics",
      metadata: [
        "address": "\(scheme)://\(self.configuration.host):\(port)\(self.configuration.path)",
        "basic_auth": "\(self.configuration.web.basicAuth != nil)",
      ]
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
      self.tracker.shutDown()
      server.channel.close(promise: nil)
    }
  }

  private func bind() async throws
    -> NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
  {
    let limits = self.configuration.limits
    let tls = self.configuration.web.tls
    let tracker = self.tracker
    let decoderLimits = {
      var decoderLimits = NIOHTTPDecoderLimitConfiguration()
      decoderLimits.maxHeaderFieldSize = limits.maximumRequestHeaderBytes
      decoderLimits.maxHeaderListSize = limits.maximumRequestHeaderBytes
      decoderLimits.maxHeaderFieldCount = limits.maximumRequestHeaderFields
      return decoderLimits
    }()
    let idleTimeout = TimeAmount(limits.idleTimeout)
    let requestTimeout = TimeAmount(limits.requestTimeout)

    return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .serverChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(
            ConnectionAdmissionHandler(tracker: tracker)
          )
        }
      }
      // Half-closure lets a plain-HTTP client that shuts down its sending side after the request
      // (`nc`, some scripts) still read the response. Not with TLS: there NIOSSL would treat the
      // client's close_notify as a half-close and hold every connection open for its 5-second
      // shutdown timeout.
      .childChannelOption(.allowRemoteHalfClosure, value: tls == nil)
      .bind(host: self.configuration.host, port: self.configuration.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          let pipeline = channel.pipeline.syncOperations
          try pipeline.addHandler(
            IdleStateHandler(readTimeout: idleTimeout, writeTimeout: idleTimeout)
          )
          try pipeline.addHandler(InboundActivityHandler())
          if let tls {
            try pipeline.addHandler(tls.makeServerHandler())
          }
          try pipeline.configureHTTPServerPipeline(
            withErrorHandling: false,
            withEncoderConfiguration: HTTPResponseEncoder.Configuration(),
            withDecoderLimitConfiguration: decoderLimits
          )
          try pipeline.addHandler(HTTPErrorStatusHandler())
          try pipeline.addHandler(ConnectionTimeoutHandler(requestTimeout: requestTimeout))
          return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
            wrappingChannelSynchronously: channel
          )
        }
      }
  }

  private func serve(
    _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
  ) async {
    let channel = connection.channel
    self.tracker.servingStarted(on: channel)
    let maximumBodyBytes = self.configuration.limits.maximumRequestBodyBytes
    do {
      try await connection.executeThenClose { inbound, outbound in
        var request: HTTPRequestHead?
        var bodyBytes = 0
        for try await part in inbound {
          switch part {
          case .head(let head):
            request = head
            bodyBytes = 0
          case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > maximumBodyBytes, let head = request {
              let response = MetricsResponder.plain(
                .payloadTooLarge,
                "Request body too large\n",
                sendsBody: head.method != .HEAD
              )
              try await self.write(response, keepAlive: false, to: outbound)
              return
            }
          case .end:
            guard let head = request else { continue }
            request = nil
            self.tracker.responseStarted(on: channel)
            let response = await self.responder.respond(to: head)
            let keepAlive = head.isKeepAlive && !self.tracker.isShuttingDown
            try await self.write(response, keepAlive: keepAlive, to: outbound)
            self.tracker.responseFinished(on: channel)
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
      // In slices, so each completed write shows a slow but reading client as making progress.
      var body = response.body
      while let slice = body.readSlice(length: min(body.readableBytes, Self.writeSliceBytes)),
        slice.readableBytes > 0
      {
        try await outbound.write(.body(.byteBuffer(slice)))
      }
    }
    try await outbound.write(.end(nil))
  }
}
