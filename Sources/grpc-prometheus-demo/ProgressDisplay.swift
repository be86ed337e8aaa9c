import Foundation

/// Shows load progress: a redrawn bar on a terminal, a plain line per second otherwise (logs, CI).
struct ProgressDisplay {
  let total: Int?
  let isTerminal = isatty(STDOUT_FILENO) == 1

  func show(done: Int, elapsed: Duration) {
    let seconds = max(elapsed.seconds, 0.001)
    let rate = Double(done) / seconds
    if let total, self.isTerminal {
      let width = 30
      let fraction = min(1, Double(done) / Double(max(total, 1)))
      let filled = Int(fraction * Double(width))
      let bar =
        String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      let line = String(
        format: "\r[%@] %3.0f%% %d/%d  %.0f rpc/s",
        bar,
        fraction * 100,
        done,
        total,
        rate
      )
      FileHandle.standardOutput.write(Data(line.utf8))
    } else {
      let of = self.total.map { "/\($0)" } ?? ""
      print(String(format: "%d%@ calls, %.0f rpc/s, %.1f s", done, of, rate, seconds))
    }
  }

  func finish() {
    if self.isTerminal {
      print()
    }
  }
}

extension Duration {
  var seconds: Double {
    let (seconds, attoseconds) = self.components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}
