public import GRPCCore

/// Maps gRPC status codes to the HTTP-style `http_response_code` label.
public struct HTTPStatusMapping: Sendable, Hashable {
  /// Indexed by `Status.Code.rawValue`.
  private let statuses: [Int]

  /// A mapping from explicit entries; codes not listed map to `default`.
  public init(_ statuses: [Status.Code: Int], default: Int = 500) {
    self.statuses = Status.Code.all.map { statuses[$0] ?? `default` }
  }

  /// The HTTP status for `code`.
  public func status(for code: Status.Code) -> Int {
    self.statuses[code.rawValue]
  }

  /// BentoML's `to_http_status`: OK→200, INVALID_ARGUMENT→400, UNAUTHENTICATED→401,
  /// PERMISSION_DENIED→403, UNIMPLEMENTED→404, FAILED_PRECONDITION→422, INTERNAL→500,
  /// UNAVAILABLE→503, DEADLINE_EXCEEDED→504, every other code→500.
  public static let bentoML = HTTPStatusMapping([
    .ok: 200, .invalidArgument: 400, .unauthenticated: 401, .permissionDenied: 403,
    .unimplemented: 404, .failedPrecondition: 422, .internalError: 500, .unavailable: 503,
    .deadlineExceeded: 504,
  ])

  /// The common gRPC→HTTP mapping (grpc-gateway's `HTTPStatusFromCode`): CANCELLED→499,
  /// NOT_FOUND→404, ALREADY_EXISTS and ABORTED→409, RESOURCE_EXHAUSTED→429, UNIMPLEMENTED→501, …
  public static let grpcGateway = HTTPStatusMapping([
    .ok: 200, .cancelled: 499, .unknown: 500, .invalidArgument: 400, .deadlineExceeded: 504,
    .notFound: 404, .alreadyExists: 409, .permissionDenied: 403, .unauthenticated: 401,
    .resourceExhausted: 429, .failedPrecondition: 400, .aborted: 409, .outOfRange: 400,
    .unimplemented: 501, .internalError: 500, .unavailable: 503, .dataLoss: 500,
  ])
}
