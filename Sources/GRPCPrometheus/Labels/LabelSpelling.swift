public import GRPCCore

/// How `grpc_type` and `grpc_code` values are spelled.
///
/// Dashboards and alerts match label values literally, so a team moving from Go or Python keeps its
/// queries by choosing the spelling its old services used.
public enum LabelSpelling: Sendable, Hashable {
  /// go-grpc-prometheus: `unary`, `client_stream`, `server_stream`, `bidi_stream`; codes as Go's
  /// `codes.Code.String()` (`OK`, `Canceled`, `NotFound`, …).
  case go
  /// py-grpc-prometheus: `UNARY`, `CLIENT_STREAMING`, `SERVER_STREAMING`, `BIDI_STREAMING`; codes
  /// as `grpc.StatusCode` names (`OK`, `CANCELLED`, `NOT_FOUND`, …).
  case python

  /// The `grpc_type` value for an RPC kind; `unknown` (`UNKNOWN` for Python) when grpc-swift could
  /// not tell the kind.
  public func typeLabel(_ type: MethodDescriptor.RPCType?) -> String {
    switch (self, type) {
    case (.go, .unary?): return "unary"
    case (.go, .clientStreaming?): return "client_stream"
    case (.go, .serverStreaming?): return "server_stream"
    case (.go, .bidirectionalStreaming?): return "bidi_stream"
    case (.go, nil): return "unknown"
    case (.python, .unary?): return "UNARY"
    case (.python, .clientStreaming?): return "CLIENT_STREAMING"
    case (.python, .serverStreaming?): return "SERVER_STREAMING"
    case (.python, .bidirectionalStreaming?): return "BIDI_STREAMING"
    case (.python, nil): return "UNKNOWN"
    }
  }

  /// The `grpc_code` value for a status code.
  public func codeLabel(_ code: Status.Code) -> String {
    switch self {
    case .go: return Self.goCodeNames[code.rawValue]
    case .python: return Self.pythonCodeNames[code.rawValue]
    }
  }

  /// Indexed by `Status.Code.rawValue`.
  private static let goCodeNames = [
    "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
    "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
    "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
  ]

  /// Indexed by `Status.Code.rawValue`.
  private static let pythonCodeNames = [
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
    "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
  ]
}

extension Status.Code {
  /// All seventeen codes, in numeric order, so per-code handles can live in an array.
  static let all: [Status.Code] = (0 ... 16).map { Status.Code(rawValue: $0)! }
}
