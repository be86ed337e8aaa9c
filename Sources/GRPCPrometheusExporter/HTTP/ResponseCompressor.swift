import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPCompression

/// Content coding for a whole response body with NIOHTTPCompression's `HTTPResponseCompressor`:
/// the request's `Accept-Encoding` and the response are passed through the handler in an
/// `EmbeddedChannel`, so its negotiation (gzip or deflate by q-value, identity for `q=0` or no
/// header) and its zlib settings apply unchanged.
///
/// Compressing here rather than in the connection's pipeline lets a `HEAD` response carry the
/// `Content-Encoding` and `Content-Length` its `GET` would have, and keeps the compression work
/// off the event loops that serve other connections.
enum ResponseCompressor {
  /// The coded body and its `Content-Encoding`, or `nil` when the client takes identity.
  static func encode(
    _ body: ByteBuffer,
    acceptEncoding: [String]
  ) throws -> (encoding: String, body: ByteBuffer)? {
    guard !acceptEncoding.isEmpty else { return nil }
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    try channel.pipeline.syncOperations.addHandler(HTTPResponseCompressor())

    var request = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
    for value in acceptEncoding {
      request.headers.add(name: "Accept-Encoding", value: value)
    }
    try channel.writeInbound(HTTPServerRequestPart.head(request))
    _ = try channel.readInbound(as: HTTPServerRequestPart.self)

    var head = HTTPResponseHead(version: .http1_1, status: .ok)
    head.headers.add(name: "Content-Length", value: String(body.readableBytes))
    // One flush, at the end, so the compressor sees the whole response at once.
    channel.write(HTTPServerResponsePart.head(head), promise: nil)
    channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
    try channel.writeOutbound(HTTPServerResponsePart.end(nil))

    var encoding: String?
    var encoded = ByteBuffer()
    while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
      switch part {
      case .head(let head):
        encoding = head.headers.first(name: "Content-Encoding")
      case .body(.byteBuffer(var buffer)):
        encoded.writeBuffer(&buffer)
      case .body(.fileRegion), .end:
        break
      }
    }
    guard let encoding else { return nil }
    return (encoding, encoded)
  }
}
