import NIOCore
import NIOHTTP1

/// Closes connections that hold the exporter without asking for anything:
///
/// - silent ones: when NIO's `IdleStateHandler` at the front of the pipeline reports no read for
///   the idle timeout and no response is being prepared (a long scrape is not idleness);
/// - slow senders: when a request is not complete within the request timeout of its first byte,
///   however steadily its bytes trickle in;
/// - stalled readers: when, while a response is being sent, the `IdleStateHandler` reports that
///   no write has completed for the idle timeout (the client stopped reading).
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias InboundOut = HTTPServerRequestPart
  typealias OutboundIn = HTTPServerResponsePart
  typealias OutboundOut = HTTPServerResponsePart

  private enum Phase {
    /// Between requests (or before the first).
    case waiting
    /// The request is complete and its response is being prepared.
    case responding
    /// The response head has been written and its end not yet.
    case sending
  }

  private let requestTimeout: TimeAmount
  private var phase = Phase.waiting
  private var requestDeadline: Scheduled<Void>?

  init(requestTimeout: TimeAmount) {
    self.requestTimeout = requestTimeout
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.cancelRequestDeadline()
  }

  func channelInactive(context: ChannelHandlerContext) {
    self.cancelRequestDeadline()
    context.fireChannelInactive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch Self.unwrapInboundIn(data) {
    case .head:
      // A request the pipelining handler held back while the previous response was written.
      self.startRequestDeadline(context: context)
    case .body:
      break
    case .end:
      self.cancelRequestDeadline()
      self.phase = .responding
    }
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    switch Self.unwrapOutboundIn(data) {
    case .head:
      self.phase = .sending
    case .body:
      break
    case .end:
      self.phase = .waiting
    }
    context.write(data, promise: promise)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    switch event {
    case is InboundActivityHandler.BytesArrived:
      if self.phase == .waiting {
        self.startRequestDeadline(context: context)
      }
    case let idle as IdleStateHandler.IdleStateEvent:
      switch (idle, self.phase) {
      case (.read, .waiting), (.write, .sending):
        context.close(promise: nil)
      default:
        break
      }
    default:
      context.fireUserInboundEventTriggered(event)
    }
  }

  private func startRequestDeadline(context: ChannelHandlerContext) {
    guard self.requestDeadline == nil else { return }
    let channel = context.channel
    self.requestDeadline = context.eventLoop.scheduleTask(in: self.requestTimeout) {
      channel.close(promise: nil)
    }
  }

  private func cancelRequestDeadline() {
    self.requestDeadline?.cancel()
    self.requestDeadline = nil
  }
}
