import Synchronization

/// The port the exporter bound, handed to whoever asks before or after it is known.
final class ListeningPortPromise: Sendable {
  private enum State {
    case waiting([CheckedContinuation<Int, any Error>])
    case bound(Int)
    case failed(any Error)
  }

  private let state = Mutex(State.waiting([]))

  var port: Int {
    get async throws {
      try await withCheckedThrowingContinuation { continuation in
        let result: Result<Int, any Error>? = self.state.withLock { state in
          switch state {
          case .waiting(var waiters):
            waiters.append(continuation)
            state = .waiting(waiters)
            return nil
          case .bound(let port):
            return .success(port)
          case .failed(let error):
            return .failure(error)
          }
        }
        if let result {
          continuation.resume(with: result)
        }
      }
    }
  }

  func complete(_ result: Result<Int, any Error>) {
    let waiters: [CheckedContinuation<Int, any Error>] = self.state.withLock { state in
      guard case .waiting(let waiters) = state else { return [] }
      switch result {
      case .success(let port): state = .bound(port)
      case .failure(let error): state = .failed(error)
      }
      return waiters
    }
    for waiter in waiters {
      waiter.resume(with: result)
    }
  }
}
