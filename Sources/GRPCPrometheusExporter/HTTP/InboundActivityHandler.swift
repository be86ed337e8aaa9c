import NIOCore

/// Sits first in a connection's pipeline and reports every arrival of bytes, TLS records
/// included, to ``ConnectionTimeoutHandler`` further along, which needs to know when a request
/// starts before the HTTP decoder has anything to show for it.
final class InboundActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  /// The user event sent down the pipeline before each read's bytes.
  struct BytesArrived: Sendable {}

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.fireUserInboundEventTriggered(BytesArrived())
    context.fireChannelRead(data)
  }
}
