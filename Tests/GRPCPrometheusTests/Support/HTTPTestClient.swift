import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client over a real socket, for scraping the exporter in tests.
enum HTTPTestClient {
  struct Response {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: String
  }

  struct Timeout: Error {}

  /// Sends one request on a fresh connection and reads the whole response (within `timeout`).
  static func request(
    port: Int,
    method: HTTPMethod = .GET,
    path: String = "/metrics",
    headers: [(String, String)] = [],
    timeout: Duration = .seconds(10)
  ) async throws -> Response {
    try await withTimeout(timeout) {
      let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
              wrappingChannelSynchronously: channel
            )
          }
        }
      return try await channel.executeThenClose { inbound, outbound in
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers {
          head.headers.add(name: name, value: value)
        }
        try await outbound.write(.head(head))
        try await outbound.write(.end(nil))
        var response: Response?
        var body = ByteBuffer()
        for try await part in inbound {
          switch part {
          case .head(let head):
            response = Response(status: head.status, headers: head.headers, body: "")
          case .body(var buffer):
            body.writeBuffer(&buffer)
          case .end:
            response?.body = String(buffer: body)
            return response!
          }
        }
        throw Timeout()
      }
    }
  }

  /// Scrapes `path` and parses the exposition, failing on a non-200 answer.
  static func scrape(port: Int, path: String = "/metrics") async throws -> Exposition {
    let response = try await Self.request(port: port, path: path)
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
