import GRPCCore

/// A method's identity without its RPC type: the server may see a descriptor without a type for a
/// method whose generated descriptor has one, and both must resolve to the same handles.
struct MethodKey: Hashable, Sendable {
  var service: String
  var method: String

  init(_ descriptor: MethodDescriptor) {
    self.service = descriptor.service.fullyQualifiedService
    self.method = descriptor.method
  }
}

extension MethodDescriptor {
  /// Whether the method streams in either direction; a method of unknown type counts as unary.
  var isStreaming: Bool {
    guard let type = self.type else { return false }
    return type.isRequestStreaming || type.isResponseStreaming
  }
}
