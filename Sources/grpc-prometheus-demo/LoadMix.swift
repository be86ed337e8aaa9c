import ArgumentParser

/// Which RPCs the load generator sends.
enum LoadMix: String, ExpressibleByArgument, CaseIterable, Sendable {
  /// `Get` only; one call in nineteen asks for `NOT_FOUND`.
  case unary
  /// `Collect`, `Expand` and `Update` in turn.
  case stream
  /// All four methods in turn.
  case all
}
