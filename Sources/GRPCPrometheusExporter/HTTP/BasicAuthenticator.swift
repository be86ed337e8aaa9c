import Crypto
import NIOPosix
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Checks `Authorization: Basic` credentials against bcrypt hashes, as exporter-toolkit does.
///
/// - bcrypt runs on NIO's blocking thread pool, never on an event loop or the cooperative pool,
///   and at most as many checks run at once as that pool has threads.
/// - An unknown user is checked against a configured hash anyway, so the response time does not
///   reveal which user names exist.
/// - Successful checks are remembered by a SHA-256 fingerprint of user, password and hash (never
///   the password itself), so a scraper sending the same credentials every 15 seconds pays the
///   bcrypt cost once, as exporter-toolkit's cache does. Failures are not remembered.
final class BasicAuthenticator: Sendable {
  private let users: [String: BcryptHash]
  /// Checked for unknown users, to spend the same time as for known ones.
  private let decoy: BcryptHash?
  private let verified = Mutex<Set<SHA256.Digest>>([])
  private static let cacheCapacity = 256

  init(configuration: MetricsBasicAuthConfiguration) {
    self.users = configuration.users
    self.decoy = configuration.users.values.max { $0.cost < $1.cost }
  }

  /// Whether the `Authorization` header values name a configured user with the right password.
  func authenticate(_ authorization: [String]) async -> Bool {
    guard authorization.count == 1, let (user, password) = Self.credentials(authorization[0]) else {
      return false
    }
    let known = self.users[user]
    guard let hash = known ?? self.decoy else { return false }
    let fingerprint = SHA256.hash(data: Array("\(user)\u{0}\(password)\u{0}\(hash.encoded)".utf8))
    if known != nil && self.verified.withLock({ $0.contains(fingerprint) }) {
      return true
    }
    let matches: Bool
    do {
      matches = try await NIOThreadPool.singleton.runIfActive { hash.verify(password) }
    } catch {
      return false
    }
    guard matches && known != nil else { return false }
    self.verified.withLock { cache in
      if cache.count >= Self.cacheCapacity {
        cache.removeAll()
      }
      cache.insert(fingerprint)
    }
    return true
  }

  /// User and password from `Basic <base64(user:password)>` (RFC 7617); the scheme name is
  /// case-insensitive and the password may contain colons.
  static func credentials(_ header: String) -> (user: String, password: String)? {
    let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, parts[0].lowercased() == "basic",
      let decoded = Data(base64Encoded: String(parts[1].trimmingPrefix(" ")))
    else {
      return nil
    }
    let text = String(decoding: decoded, as: UTF8.self)
    guard let colon = text.firstIndex(of: ":") else { return nil }
    return (String(text[..<colon]), String(text[text.index(after: colon)...]))
  }
}
