import NIOCore
import NIOHTTP1

/// Decides the response to one request: the exposition on the metrics path, an HTTP error
/// everywhere else. Kept apart from the networking so the rules read in one place.
struct MetricsResponder: Sendable {
  /// The exposition format Prometheus's text parser expects.
  static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  let path: String
  let render: @Sendable () -> [UInt8]

  struct Response {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: [UInt8]
    /// HEAD answers with the headers of GET but sends no body.
    var sendsBody: Bool
  }

  func respond(to head: HTTPRequestHead) -> Response {
    let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
    guard path.map(String.init) == self.path else {
      return Self.plain(.notFound, "Not Found. Metrics are served at \(self.path)\n")
    }
    switch head.method {
    case .GET, .HEAD:
      let body = self.render()
      var headers = HTTPHeaders()
      headers.add(name: "Content-Type", value: Self.contentType)
      headers.add(name: "Content-Length", value: String(body.count))
      return Response(status: .ok, headers: headers, body: body, sendsBody: head.method == .GET)
    default:
      var response = Self.plain(.methodNotAllowed, "Method Not Allowed\n")
      response.headers.add(name: "Allow", value: "GET, HEAD")
      return response
    }
  }

  private static func plain(_ status: HTTPResponseStatus, _ text: String) -> Response {
    let body = Array(text.utf8)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
    headers.add(name: "Content-Length", value: String(body.count))
    return Response(status: status, headers: headers, body: body, sendsBody: true)
  }
}
