import GRPCCore

/// The methods an interceptor knows in advance, learnt from the services it was given.
///
/// Their generated descriptors carry the RPC type, which fills in `grpc_type` when a transport hands
/// the interceptor a descriptor without one, and lets every series be created before the first RPC.
struct MethodCatalog: Sendable {
  /// Known methods in a stable order (by service, then method).
  let methods: [MethodDescriptor]
  private let typesByKey: [MethodKey: MethodDescriptor.RPCType]

  init(methods: [MethodDescriptor]) {
    var typesByKey: [MethodKey: MethodDescriptor.RPCType] = [:]
    var unique: [MethodKey: MethodDescriptor] = [:]
    for method in methods {
      let key = MethodKey(method)
      if let type = method.type {
        typesByKey[key] = type
      }
      if unique[key]?.type == nil {
        unique[key] = method
      }
    }
    self.methods = unique.values.sorted {
      ($0.service.fullyQualifiedService, $0.method) < ($1.service.fullyQualifiedService, $1.method)
    }
    self.typesByKey = typesByKey
  }

  init(services: [any RegistrableRPCService]) {
    var router = RPCRouter<DescriptorCollectingTransport>()
    for service in services {
      service.registerMethods(with: &router)
    }
    self.init(methods: router.methods)
  }

  /// `descriptor` with its type filled in from the catalog when it has none.
  func resolved(_ descriptor: MethodDescriptor) -> MethodDescriptor {
    guard descriptor.type == nil, let type = self.typesByKey[MethodKey(descriptor)] else {
      return descriptor
    }
    var resolved = descriptor
    resolved.type = type
    return resolved
  }
}

/// A transport that never listens; it only gives `RPCRouter` a type so services can list their
/// methods through the public registration API.
private struct DescriptorCollectingTransport: ServerTransport {
  typealias Bytes = [UInt8]

  func listen(
    streamHandler: @escaping @Sendable (RPCStream<Inbound, Outbound>, ServerContext) async -> Void
  ) async throws {
    throw RPCError(code: .failedPrecondition, message: "This transport only lists methods.")
  }

  func beginGracefulShutdown() {}
}
