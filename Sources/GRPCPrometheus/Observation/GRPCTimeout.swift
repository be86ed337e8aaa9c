import GRPCCore

/// The `grpc-timeout` header: the deadline a client attached to an RPC.
///
/// grpc-swift cancels a timed-out RPC with the same signal as a client reset, so the timeout is
/// what lets an observer tell `DeadlineExceeded` from `Canceled`.
enum GRPCTimeout {
  /// The header's name.
  static let headerName = "grpc-timeout"

  /// Reads the timeout from request metadata, if the client sent a valid one.
  static func timeout(in metadata: Metadata) -> Duration? {
    for value in metadata[stringValues: Self.headerName] {
      return Self.parse(value)
    }
    return nil
  }

  /// Parses `1*8DIGIT unit`, unit one of `H M S m u n` (the gRPC over HTTP/2 spec).
  static func parse(_ value: String) -> Duration? {
    let utf8 = value.utf8
    guard utf8.count >= 2, utf8.count <= 9, let unit = utf8.last else { return nil }
    var amount: Int64 = 0
    for byte in utf8.dropLast() {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
    }
    switch unit {
    case UInt8(ascii: "H"): return .seconds(amount * 3600)
    case UInt8(ascii: "M"): return .seconds(amount * 60)
    case UInt8(ascii: "S"): return .seconds(amount)
    case UInt8(ascii: "m"): return .milliseconds(amount)
    case UInt8(ascii: "u"): return .microseconds(amount)
    case UInt8(ascii: "n"): return .nanoseconds(amount)
    default: return nil
    }
  }

  /// Whether an RPC cancelled after `elapsed` was ended by its deadline rather than by the client.
  ///
  /// A client's deadline clock starts before the server's: grpc-swift computes `grpc-timeout` when
  /// the call starts, before it has a stream, and a busy machine delays the request further. So
  /// the reset a client sends at its deadline reaches the server before the server's own timer
  /// fires. An RPC therefore counts as timed out once `elapsed ≥ timeout − max(20 ms, 10 %)`. An
  /// unloaded machine needs only `max(10 ms, 2 %)` (20/20 deadlines and cancels right, where 5 ms
  /// misread one in twenty), but with two cores saturated the lag reached tens of milliseconds;
  /// the cost is that a client cancelling in the last tenth of its deadline counts as a deadline.
  static func isDeadline(elapsed: Duration, timeout: Duration?) -> Bool {
    guard let timeout else { return false }
    let margin = max(.milliseconds(20), timeout / 10)
    return elapsed >= timeout - margin
  }
}
