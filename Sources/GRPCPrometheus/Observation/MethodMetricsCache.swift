import GRPCCore
import Synchronization

/// Per-method handles, created once per method and then only read.
///
/// Methods known at construction live in an immutable dictionary, read without a lock. A method
/// first seen at run time (no services given, or a client calling an unlisted method) is created
/// once under a lock and cached; the set is bounded by the methods the program has.
final class MethodMetricsCache<Metrics: Sendable>: Sendable {
  private let catalog: MethodCatalog
  private let known: [MethodKey: Metrics]
  private let discovered: Mutex<[MethodKey: Metrics]>
  private let make: @Sendable (MethodDescriptor) -> Metrics

  /// - Parameter eager: create the handles of every catalogued method now rather than on its
  ///   first RPC.
  init(
    catalog: MethodCatalog,
    eager: Bool,
    make: @escaping @Sendable (MethodDescriptor) -> Metrics
  ) {
    var known: [MethodKey: Metrics] = [:]
    if eager {
      for method in catalog.methods {
        known[MethodKey(method)] = make(method)
      }
    }
    self.catalog = catalog
    self.known = known
    self.discovered = Mutex([:])
    self.make = make
  }

  /// The handles for `descriptor`, filling in its RPC type from the catalog if needed.
  func metrics(for descriptor: MethodDescriptor) -> Metrics {
    let key = MethodKey(descriptor)
    if let metrics = self.known[key] {
      return metrics
    }
    return self.discovered.withLock { discovered in
      if let metrics = discovered[key] {
        return metrics
      }
      let metrics = self.make(self.catalog.resolved(descriptor))
      discovered[key] = metrics
      return metrics
    }
  }
}
