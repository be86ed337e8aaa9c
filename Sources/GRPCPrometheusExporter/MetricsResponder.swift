import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Decides the response to one complete request, kept apart from the networking so the rules
/// read in one place:
///
/// 1. with basic authentication configured, anything without valid credentials: `401`;
/// 2. a path other than the metrics paths: `404`;
/// 3. a method other than `GET` and `HEAD`: `405` with `Allow: GET, HEAD`;
/// 4. a scrape beyond the concurrency limit: `503`;
/// 5. a scrape whose sources fail or clash: `500` with the reason, as promhttp;
/// 6. otherwise `200` with the exposition, gzip-coded when the client accepts it.
///
/// Only requests that reach steps 4 to 6 are scrapes for promhttp's self-metrics, as only those
/// reach promhttp's handler in a Go exporter.
final class MetricsResponder: Sendable {
  /// The exposition format Prometheus's text parser expects.
  static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  struct Response {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    /// HEAD answers with the headers of GET but sends no body.
    var sendsBody: Bool
  }

  private let primaryPath: String
  private let paths: Set<String>
  private let assembler: ExpositionAssembler
  private let handlerMetrics: ScrapeHandlerMetrics?
  private let authenticator: BasicAuthenticator?
  private let realm: String
  private let maximumConcurrentScrapes: Int
  private let compresses: Bool
  private let logger: Logger
  private let scrapesInProgress = Atomic<Int>(0)

  init(
    sources: [any MetricsSource],
    configuration: MetricsExporterConfiguration,
    logger: Logger
  ) {
    self.primaryPath = configuration.path
    self.paths = Set([configuration.path] + configuration.additionalPaths)
    let handlerMetrics = configuration.servesHandlerMetrics ? ScrapeHandlerMetrics() : nil
    self.handlerMetrics = handlerMetrics
    self.assembler = ExpositionAssembler(sources: sources + (handlerMetrics.map { [$0] } ?? []))
    self.authenticator = configuration.web.basicAuth.map(BasicAuthenticator.init)
    self.realm = configuration.web.basicAuth?.realm ?? ""
    self.maximumConcurrentScrapes = configuration.limits.maximumConcurrentScrapes
    self.compresses = configuration.compressesResponses
    self.logger = logger
  }

  func respond(to head: HTTPRequestHead) async -> Response {
    let sendsBody = head.method != .HEAD
    if let authenticator = self.authenticator,
      await !authenticator.authenticate(head.headers["Authorization"])
    {
      var response = Self.plain(.unauthorized, "Unauthorized\n", sendsBody: sendsBody)
      response.headers.add(name: "WWW-Authenticate", value: "Basic realm=\"\(self.realm)\"")
      return response
    }
    let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
    guard let path, self.paths.contains(String(path)) else {
      return Self.plain(
        .notFound,
        "Not Found. Metrics are served at \(self.primaryPath)\n",
        sendsBody: sendsBody
      )
    }
    guard head.method == .GET || head.method == .HEAD else {
      var response = Self.plain(.methodNotAllowed, "Method Not Allowed\n", sendsBody: true)
      response.headers.add(name: "Allow", value: "GET, HEAD")
      return response
    }
    return await self.scrape(head, sendsBody: sendsBody)
  }

  private func scrape(_ head: HTTPRequestHead, sendsBody: Bool) async -> Response {
    self.handlerMetrics?.scrapeStarted()
    let limit = self.maximumConcurrentScrapes
    let admitted =
      limit <= 0
      || self.scrapesInProgress.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue <= limit
    defer {
      if limit > 0 {
        self.scrapesInProgress.subtract(1, ordering: .acquiringAndReleasing)
      }
    }
    guard admitted else {
      self.handlerMetrics?.scrapeFinished(.serviceUnavailable)
      return Self.plain(
        .serviceUnavailable,
        "Limit of concurrent requests reached (\(limit)), try again later.\n",
        sendsBody: sendsBody
      )
    }

    let exposition: [UInt8]
    do {
      exposition = try await self.assembler.assemble()
    } catch {
      self.logger.error("Cannot serve metrics", metadata: ["error": "\(error)"])
      self.handlerMetrics?.scrapeFinished(.internalServerError)
      return Self.plain(
        .internalServerError,
        "An error has occurred while serving metrics:\n\n\(error)\n",
        sendsBody: sendsBody
      )
    }

    var body = ByteBuffer(bytes: exposition)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: Self.contentType)
    if self.compresses {
      headers.add(name: "Vary", value: "Accept-Encoding")
      do {
        if let (encoding, encoded) = try ResponseCompressor.encode(
          body,
          acceptEncoding: head.headers["Accept-Encoding"]
        ) {
          headers.add(name: "Content-Encoding", value: encoding)
          body = encoded
        }
      } catch {
        // The identity body is still correct; compression is only an optimisation.
        self.logger.warning("Cannot compress metrics", metadata: ["error": "\(error)"])
      }
    }
    headers.add(name: "Content-Length", value: String(body.readableBytes))
    self.handlerMetrics?.scrapeFinished(.ok)
    return Response(status: .ok, headers: headers, body: body, sendsBody: sendsBody)
  }

  /// A short plain-text response. HEAD gets its headers without the body.
  static func plain(_ status: HTTPResponseStatus, _ text: String, sendsBody: Bool) -> Response {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
    headers.add(name: "Content-Length", value: String(text.utf8.count))
    return Response(
      status: status,
      headers: headers,
      body: ByteBuffer(string: text),
      sendsBody: sendsBody
    )
  }
}
