import EchoService
import GRPCCore
import SwiftProtobuf
import Synchronization

/// Drives the Echo service: `concurrency` workers share a budget of calls (or run until cancelled
/// when there is none). Outcomes are recorded by the client interceptor; the generator only counts
/// what it has issued, for the progress display.
final class LoadGenerator: Sendable {
  let mix: LoadMix
  let concurrency: Int
  /// Calls in all; `nil` runs until the task is cancelled.
  let budget: Int?
  /// A pause between one worker's calls, to keep a background load gentle.
  let pause: Duration?

  init(mix: LoadMix, concurrency: Int, budget: Int?, pause: Duration?) {
    self.mix = mix
    self.concurrency = concurrency
    self.budget = budget
    self.pause = pause
  }

  /// Calls issued so far.
  let issued = Atomic<Int>(0)
  /// Calls finished so far.
  let completed = Atomic<Int>(0)

  func run<Transport: ClientTransport>(_ client: Echo_V1_Echo.Client<Transport>) async {
    await withTaskGroup(of: Void.self) { group in
      for _ in 0 ..< self.concurrency {
        group.addTask {
          while !Task.isCancelled {
            let index = self.issued.add(1, ordering: .relaxed).oldValue
            if let budget = self.budget, index >= budget {
              return
            }
            await self.call(client, index: index)
            self.completed.add(1, ordering: .relaxed)
            if let pause = self.pause {
              try? await Task.sleep(for: pause)
            }
          }
        }
      }
    }
  }

  /// One call; failures are expected (some are asked for) and recorded by the interceptor.
  private func call<Transport: ClientTransport>(
    _ client: Echo_V1_Echo.Client<Transport>,
    index: Int
  ) async {
    let kind: Int
    switch self.mix {
    case .unary: kind = 0
    case .stream: kind = 1 + index % 3
    case .all: kind = index % 4
    }
    let request = Echo_V1_EchoRequest.with {
      $0.text = index % 19 == 18 ? "error:NOT_FOUND" : "load-\(index)"
    }
    do {
      switch kind {
      case 0:
        _ = try await client.get(request)
      case 1:
        _ = try await client.collect { writer in
          for _ in 0 ..< 3 { try await writer.write(request) }
        }
      case 2:
        try await client.expand(.with { $0.text = index % 19 == 18 ? request.text : "3" }) {
          for try await _ in $0.messages {}
        }
      default:
        try await client.update { writer in
          for _ in 0 ..< 3 { try await writer.write(request) }
        } onResponse: {
          for try await _ in $0.messages {}
        }
      }
    } catch {
      // Counted by the client interceptor under its code.
    }
  }
}
