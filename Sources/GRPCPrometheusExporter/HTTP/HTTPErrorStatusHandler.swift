import NIOCore
import NIOHTTP1

/// Answers requests NIOHTTP1's decoder refuses, in place of NIO's `HTTPServerProtocolErrorHandler`
/// (which answers 400 to everything): `431 Request Header Fields Too Large` when the header block
/// breaks the decoder's limits, `400 Bad Request` for any other malformed request. The connection
/// closes afterwards, since the decoder cannot find the next request's start.
final class HTTPErrorStatusHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias InboundOut = HTTPServerRequestPart
  typealias OutboundIn = HTTPServerResponsePart
  typealias OutboundOut = HTTPServerResponsePart

  /// Whether a response has started and not ended: then no error response can be sent.
  private var hasUnterminatedResponse = false

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    guard let parserError = error as? HTTPParserError else {
      context.fireErrorCaught(error)
      return
    }
    if !self.hasUnterminatedResponse {
      let status: HTTPResponseStatus =
        parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
      let body = "\(status.code) \(status.reasonPhrase)\n"
      var headers = HTTPHeaders()
      headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
      headers.add(name: "Content-Length", value: String(body.utf8.count))
      headers.add(name: "Connection", value: "close")
      let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
      context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
      let buffer = context.channel.allocator.buffer(string: body)
      context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
      context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
    }
    context.fireErrorCaught(error)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    // The exporter sends no informational (1xx) responses, so every head starts a response.
    switch Self.unwrapOutboundIn(data) {
    case .head:
      self.hasUnterminatedResponse = true
    case .body:
      break
    case .end:
      self.hasUnterminatedResponse = false
    }
    context.write(data, promise: promise)
  }
}
