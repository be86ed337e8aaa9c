/// Wraps a message sequence and reports each element as it is handed to the consumer, so a message
/// counts as received only once the application really got it.
struct MessageCountingSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element: Sendable {
  typealias Element = Base.Element

  private let base: Base
  private let onElement: @Sendable (Base.Element) -> Void

  init(_ base: Base, onElement: @escaping @Sendable (Base.Element) -> Void) {
    self.base = base
    self.onElement = onElement
  }

  func makeAsyncIterator() -> Iterator {
    Iterator(base: self.base.makeAsyncIterator(), onElement: self.onElement)
  }

  struct Iterator: AsyncIteratorProtocol {
    private var base: Base.AsyncIterator
    private let onElement: @Sendable (Base.Element) -> Void

    init(base: Base.AsyncIterator, onElement: @escaping @Sendable (Base.Element) -> Void) {
      self.base = base
      self.onElement = onElement
    }

    mutating func next(
      isolation actor: isolated (any Actor)?
    ) async throws(Base.Failure) -> Element? {
      let element = try await self.base.next(isolation: actor)
      if let element {
        self.onElement(element)
      }
      return element
    }

    mutating func next() async throws -> Element? {
      try await self.next(isolation: nil)
    }
  }
}
