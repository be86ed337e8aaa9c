/// HTTP basic authentication for the metrics endpoint, as exporter-toolkit's `basic_auth_users`:
/// user names mapped to bcrypt hashes of their passwords, so the configuration never holds a
/// password itself.
///
/// Every request, on every path, must then carry `Authorization: Basic ...` with a listed user
/// and the right password; others get `401 Unauthorized` with
/// `WWW-Authenticate: Basic realm="<realm>"`. An empty user list lets nobody in.
public struct MetricsBasicAuthConfiguration: Sendable, Hashable {
  /// User name → bcrypt hash of the password.
  public let users: [String: BcryptHash]
  /// The realm named in `WWW-Authenticate`. Default: `metrics`.
  public let realm: String

  /// Users with their password hashes.
  ///
  /// - Throws: ``MetricsExporterConfigurationError`` for a user name with a colon (basic
  ///   authentication cannot carry one) or a realm with a double quote.
  public init(users: [String: BcryptHash], realm: String = "metrics") throws {
    for name in users.keys.sorted() where name.contains(":") || name.isEmpty {
      throw MetricsExporterConfigurationError(
        field: "basic_auth_users.\(name)",
        reason: "a user name must be non-empty and cannot contain ':'"
      )
    }
    guard !realm.contains("\"") && !realm.contains("\\") else {
      throw MetricsExporterConfigurationError(
        field: "realm",
        reason: "cannot contain '\"' or '\\'"
      )
    }
    self.users = users
    self.realm = realm
  }

  /// Users with hashes given as text, as in a web configuration file.
  ///
  /// - Throws: ``MetricsExporterConfigurationError`` naming `basic_auth_users.<user>` when a
  ///   hash is not a bcrypt hash.
  public init(hashedPasswords: [String: String], realm: String = "metrics") throws {
    var users: [String: BcryptHash] = [:]
    for (name, text) in hashedPasswords.sorted(by: { $0.key < $1.key }) {
      do {
        users[name] = try BcryptHash(text)
      } catch {
        throw MetricsExporterConfigurationError(
          field: "basic_auth_users.\(name)",
          reason: "not a bcrypt hash: \(error)"
        )
      }
    }
    try self.init(users: users, realm: realm)
  }
}
