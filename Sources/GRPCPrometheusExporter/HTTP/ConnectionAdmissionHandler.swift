import NIOCore

/// Hands each accepted connection to the ``ConnectionTracker`` from the server channel's pipeline,
/// where connections arrive one at a time in the order they were accepted, before any of them
/// is initialised on its own event loop.
final class ConnectionAdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = any Channel
  typealias InboundOut = any Channel

  private let tracker: ConnectionTracker

  init(tracker: ConnectionTracker) {
    self.tracker = tracker
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    self.tracker.admit(Self.unwrapInboundIn(data))
    context.fireChannelRead(data)
  }
}
