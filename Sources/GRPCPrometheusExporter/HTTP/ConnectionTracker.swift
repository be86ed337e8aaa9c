import NIOCore
import Synchronization

/// The exporter's open connections: enforces the connection limit by retiring the connection
/// idle the longest, and ends every connection gracefully on shutdown.
///
/// Connections being served are retired with NIO's `ChannelShouldQuiesceEvent`, which the HTTP
/// pipelining handler turns into an immediate close for an idle connection and a close after the
/// response for one in the middle of a request, so a retired scrape is never cut off. Connections
/// not yet handed to the exporter's serving loop have no request to finish and are closed.
final class ConnectionTracker: Sendable {
  private struct Entry {
    let channel: any Channel
    /// When the connection last started or finished a response, on the tracker's own clock.
    var lastActivity: UInt64
    /// Whether a response is being prepared for it.
    var isBusy = false
    /// Whether its pipeline is set up and the exporter is reading its requests.
    var isServed = false
  }

  private struct State {
    var entries: [ObjectIdentifier: Entry] = [:]
    /// Connections asked to quiesce: they no longer count against the limit.
    var retiring: Set<ObjectIdentifier> = []
    var clock: UInt64 = 0
    var isShuttingDown = false
  }

  private let maximumConnections: Int
  private let state = Mutex(State())

  init(maximumConnections: Int) {
    self.maximumConnections = maximumConnections
  }

  /// The number of connections open and not being retired.
  var activeCount: Int {
    self.state.withLock { $0.entries.count - $0.retiring.count }
  }

  /// Takes in an accepted connection, in accept order; retires the connection idle the longest
  /// if that takes the count over the limit, or the new one itself during shutdown.
  func admit(_ channel: any Channel) {
    let id = ObjectIdentifier(channel)
    let toRetire: Entry? = self.state.withLock { state in
      if state.isShuttingDown {
        return Entry(channel: channel, lastActivity: 0)
      }
      state.clock += 1
      state.entries[id] = Entry(channel: channel, lastActivity: state.clock)
      let active = state.entries.count - state.retiring.count
      guard self.maximumConnections > 0, active > self.maximumConnections else { return nil }
      let candidates = state.entries.filter { !state.retiring.contains($0.key) && $0.key != id }
      let victim =
        candidates.filter { !$0.value.isBusy }.min { $0.value.lastActivity < $1.value.lastActivity }
        ?? candidates.min { $0.value.lastActivity < $1.value.lastActivity }
      guard let victim else { return nil }
      state.retiring.insert(victim.key)
      return victim.value
    }
    channel.closeFuture.whenComplete { _ in
      self.state.withLock { state in
        state.entries[id] = nil
        state.retiring.remove(id)
      }
    }
    if let toRetire {
      Self.retire(toRetire)
    }
  }

  /// The exporter has started reading requests from `channel`.
  func servingStarted(on channel: any Channel) {
    self.state.withLock { $0.entries[ObjectIdentifier(channel)]?.isServed = true }
  }

  /// A request on `channel` is complete and its response is being prepared.
  func responseStarted(on channel: any Channel) {
    self.touch(channel, busy: true)
  }

  /// The response on `channel` has been written.
  func responseFinished(on channel: any Channel) {
    self.touch(channel, busy: false)
  }

  private func touch(_ channel: any Channel, busy: Bool) {
    self.state.withLock { state in
      state.clock += 1
      let id = ObjectIdentifier(channel)
      state.entries[id]?.lastActivity = state.clock
      state.entries[id]?.isBusy = busy
    }
  }

  /// Whether shutdown has begun.
  var isShuttingDown: Bool {
    self.state.withLock { $0.isShuttingDown }
  }

  /// Retires every connection: idle ones close now, busy ones after their response.
  func shutDown() {
    let entries: [Entry] = self.state.withLock { state in
      state.isShuttingDown = true
      let ids = state.entries.keys.filter { !state.retiring.contains($0) }
      state.retiring.formUnion(ids)
      return ids.compactMap { state.entries[$0] }
    }
    for entry in entries {
      Self.retire(entry)
    }
  }

  private static func retire(_ entry: Entry) {
    let channel = entry.channel
    guard entry.isServed else {
      channel.close(promise: nil)
      return
    }
    channel.eventLoop.execute {
      channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
  }
}
