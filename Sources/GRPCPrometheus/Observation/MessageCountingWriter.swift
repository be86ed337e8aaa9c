import GRPCCore

/// Wraps a writer and reports each message once the transport accepted it.
struct MessageCountingWriter<Element: Sendable>: RPCWriterProtocol {
  private let base: RPCWriter<Element>
  private let onWrite: @Sendable () -> Void

  init(_ base: RPCWriter<Element>, onWrite: @escaping @Sendable () -> Void) {
    self.base = base
    self.onWrite = onWrite
  }

  func write(_ element: Element) async throws {
    try await self.base.write(element)
    self.onWrite()
  }

  func write(contentsOf elements: some Sequence<Element>) async throws {
    for element in elements {
      try await self.write(element)
    }
  }
}
