import NIOCore
import NIOPosix

/// Raw TCP to the exporter, below HTTP: malformed requests, connections that send nothing, and
/// connections that send too slowly.
enum RawTestClient {
  /// Opens a connection and sends nothing. The caller closes it.
  static func connect(port: Int) async throws -> any Channel {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(host: "127.0.0.1", port: port)
      .get()
  }

  /// Sends `bytes` and returns everything the server sends until it closes the connection;
  /// with `halfClose`, shuts down the sending side after the bytes, as `nc -N` does.
  static func exchange(
    port: Int,
    _ bytes: [UInt8],
    halfClose: Bool = false,
    timeout: Duration = .seconds(10)
  ) async throws -> [UInt8] {
    try await withTimeout(timeout) {
      let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
              wrappingChannelSynchronously: channel,
              configuration: NIOAsyncChannel.Configuration(isOutboundHalfClosureEnabled: halfClose)
            )
          }
        }
      return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(bytes: bytes))
        if halfClose {
          outbound.finish()
        }
        var received: [UInt8] = []
        do {
          for try await buffer in inbound {
            received.append(contentsOf: buffer.readableBytesView)
          }
        } catch let error as IOError where error.errnoCode == ECONNRESET {
          // A server that closes with unread input resets the connection; what came before
          // the reset is the answer.
        }
        return received
      }
    }
  }

  /// Waits until the server closes `channel`, failing after `timeout`.
  static func waitForClose(_ channel: any Channel, timeout: Duration) async throws {
    try await withTimeout(timeout) {
      try await channel.closeFuture.get()
    }
  }
}
