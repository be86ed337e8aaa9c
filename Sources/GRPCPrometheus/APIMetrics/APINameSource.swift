import Synchronization

/// Where the `api_name` label comes from.
///
/// The default is the gRPC method name, a bounded set. A name read from the request message is
/// chosen by the client, so it is admitted only from a declared set, or up to a cap, and anything
/// else is recorded under an overflow name: a flood of random names cannot grow series.
public struct APINameSource: Sendable {
  enum Kind: Sendable {
    case methodName
    case derived(@Sendable (Any) -> String?, APINameLimit)
  }

  let kind: Kind

  /// `api_name` is the method name (`Get`). Default.
  public static let methodName = APINameSource(kind: .methodName)

  /// `api_name` read from the first request message, admitted only if it is one of `names`.
  ///
  /// - Parameters:
  ///   - names: The names that may appear.
  ///   - overflowName: Recorded for any other name. Default: `other`.
  ///   - derive: Reads the name from a request message (return `nil` to use the method name).
  public static func fromRequest(
    allowing names: Set<String>,
    overflowName: String = "other",
    _ derive: @escaping @Sendable (Any) -> String?
  ) -> APINameSource {
    APINameSource(kind: .derived(derive, APINameLimit(allowed: names, overflowName: overflowName)))
  }

  /// `api_name` read from the first request message; the first `maximumCount` distinct names are
  /// admitted, later new names are recorded as `overflowName`.
  public static func fromRequest(
    maximumCount: Int = 100,
    overflowName: String = "other",
    _ derive: @escaping @Sendable (Any) -> String?
  ) -> APINameSource {
    APINameSource(
      kind: .derived(derive, APINameLimit(maximumCount: maximumCount, overflowName: overflowName))
    )
  }
}

/// Admits client-chosen names into a bounded set.
final class APINameLimit: Sendable {
  private let allowed: Set<String>?
  private let maximumCount: Int
  let overflowName: String
  private let admitted = Mutex<Set<String>>([])

  init(allowed: Set<String>, overflowName: String) {
    self.allowed = allowed
    self.maximumCount = allowed.count
    self.overflowName = overflowName
  }

  init(maximumCount: Int, overflowName: String) {
    self.allowed = nil
    self.maximumCount = max(0, maximumCount)
    self.overflowName = overflowName
  }

  /// `name` if it may have its own series, otherwise the overflow name.
  func admit(_ name: String) -> String {
    if let allowed = self.allowed {
      return allowed.contains(name) ? name : self.overflowName
    }
    return self.admitted.withLock { admitted in
      if admitted.contains(name) {
        return name
      }
      guard admitted.count < self.maximumCount else { return self.overflowName }
      admitted.insert(name)
      return name
    }
  }
}
