public import GRPCCore

/// Status codes by their canonical upper-case names (`NOT_FOUND`), as `echo.proto`'s
/// `error:<CODE_NAME>` texts spell them.
public enum StatusCodeName {
  private static let names = [
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
    "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
  ]

  /// The code named `name`, or `nil` for an unknown name.
  public static func code(named name: String) -> Status.Code? {
    Self.names.firstIndex(of: name).flatMap { Status.Code(rawValue: $0) }
  }

  /// The canonical name of `code`.
  public static func name(of code: Status.Code) -> String {
    Self.names[code.rawValue]
  }
}
