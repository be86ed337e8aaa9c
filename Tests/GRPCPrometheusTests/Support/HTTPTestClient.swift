import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import Synchronization

/// A minimal HTTP/1.1 client over a real socket, for scraping the exporter in tests: plain or
/// TLS, optionally decoding gzip with NIOHTTPCompression's decompressor, one request per
/// connection or several on a kept-alive one.
enum HTTPTestClient {
  struct Response {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    /// The body as decoded (after gzip decoding when the request asked for it).
    var body: String
    /// The body bytes as they came off the wire, before any content decoding.
    var wireBody: [UInt8] = []
  }

  struct Timeout: Error {}
  struct ConnectionClosed: Error {}

  /// How to reach the exporter.
  struct Transport: Sendable {
    /// TLS context to connect with, or `nil` for plain HTTP.
    var tls: NIOSSLContext?
    /// The host name the server certificate must be valid for.
    var serverHostname = "localhost"
    /// Whether to decode `Content-Encoding: gzip` with NIOHTTPCompression's
    /// `NIOHTTPResponseDecompressor` (which also sends `Accept-Encoding: deflate, gzip` when the
    /// request has none).
    var decompresses = false

    static let plain = Transport()
  }

  /// Sends one request on a fresh connection and reads the whole response (within `timeout`).
  static func request(
    port: Int,
    method: HTTPMethod = .GET,
    path: String = "/metrics",
    headers: [(String, String)] = [],
    transport: Transport = .plain,
    timeout: Duration = .seconds(10)
  ) async throws -> Response {
    try await Self.withConnection(port: port, transport: transport, timeout: timeout) {
      connection in
      try await connection.request(method: method, path: path, headers: headers, keepAlive: false)
    }
  }

  /// Opens one connection, runs `body` with it, and closes it (all within `timeout`).
  static func withConnection<T: Sendable>(
    port: Int,
    transport: Transport = .plain,
    timeout: Duration = .seconds(10),
    _ body: @escaping @Sendable (Connection) async throws -> T
  ) async throws -> T {
    try await withTimeout(timeout) {
      let wireBody = WireBody()
      let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if let tls = transport.tls {
              try pipeline.addHandler(
                NIOSSLClientHandler(context: tls, serverHostname: transport.serverHostname)
              )
            }
            try pipeline.addHTTPClientHandlers()
            try pipeline.addHandler(WireBodyRecorder(wireBody))
            if transport.decompresses {
              try pipeline.addHandler(NIOHTTPResponseDecompressor(limit: .none))
            }
            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
              wrappingChannelSynchronously: channel
            )
          }
        }
      return try await channel.executeThenClose { inbound, outbound in
        let connection = Connection(
          port: port,
          inbound: inbound.makeAsyncIterator(),
          outbound: outbound,
          wireBody: wireBody
        )
        return try await body(connection)
      }
    }
  }

  /// One client connection; requests on it run one after another.
  final class Connection: @unchecked Sendable {
    private let port: Int
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let wireBody: WireBody

    init(
      port: Int,
      inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
      outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>,
      wireBody: WireBody
    ) {
      self.port = port
      self.inbound = inbound
      self.outbound = outbound
      self.wireBody = wireBody
    }

    /// Sends a request and reads its response.
    func request(
      method: HTTPMethod = .GET,
      path: String = "/metrics",
      headers: [(String, String)] = [],
      keepAlive: Bool = true
    ) async throws -> Response {
      var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
      head.headers.add(name: "Host", value: "127.0.0.1:\(self.port)")
      head.headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
      for (name, value) in headers {
        head.headers.add(name: name, value: value)
      }
      // A server may answer and close before the request's end is written (Prometheus does, under
      // load): keep the write error, and read the answer anyway.
      var writeError: (any Error)?
      do {
        try await self.outbound.write(.head(head))
        try await self.outbound.write(.end(nil))
      } catch {
        writeError = error
      }
      var response: Response?
      var body = ByteBuffer()
      while let part = try await self.inbound.next() {
        switch part {
        case .head(let head):
          response = Response(status: head.status, headers: head.headers, body: "")
        case .body(var buffer):
          body.writeBuffer(&buffer)
        case .end:
          guard var complete = response else { throw ConnectionClosed() }
          complete.body = String(buffer: body)
          complete.wireBody = self.wireBody.take()
          return complete
        }
      }
      throw writeError ?? ConnectionClosed()
    }
  }

  /// Scrapes `path` and parses the exposition, failing on a non-200 answer.
  static func scrape(
    port: Int,
    path: String = "/metrics",
    transport: Transport = .plain
  ) async throws -> Exposition {
    let response = try await Self.request(port: port, path: path, transport: transport)
    guard response.status == .ok else {
      throw ScrapeError(status: response.status, body: response.body)
    }
    return try Exposition(response.body)
  }

  struct ScrapeError: Error {
    var status: HTTPResponseStatus
    var body: String
  }
}

/// The body bytes of the response being read, as they came off the wire.
final class WireBody: Sendable {
  private let bytes = Mutex<[UInt8]>([])

  func append(_ buffer: ByteBuffer) {
    self.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
  }

  func take() -> [UInt8] {
    self.bytes.withLock { bytes in
      defer { bytes = [] }
      return bytes
    }
  }
}

/// Copies body bytes into a ``WireBody`` before the decompressor sees them, so a test can look at
/// the coded bytes of a response it also reads decoded.
private final class WireBodyRecorder: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPClientResponsePart
  typealias InboundOut = HTTPClientResponsePart

  private let wireBody: WireBody

  init(_ wireBody: WireBody) {
    self.wireBody = wireBody
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if case .body(let buffer) = Self.unwrapInboundIn(data) {
      self.wireBody.append(buffer)
    }
    context.fireChannelRead(data)
  }
}

/// Runs `operation`, failing with `HTTPTestClient.Timeout` if it takes longer than `timeout`.
func withTimeout<T: Sendable>(
  _ timeout: Duration,
  _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await operation() }
    group.addTask {
      try await Task.sleep(for: timeout)
      throw HTTPTestClient.Timeout()
    }
    defer { group.cancelAll() }
    return try await group.next()!
  }
}
