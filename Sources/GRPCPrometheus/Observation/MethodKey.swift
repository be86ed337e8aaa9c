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
