/// A bcrypt password hash in the modular crypt format (`$2b$10$<22-char salt><31-char hash>`),
/// the format `htpasswd -B`, Python's `bcrypt` and Go's `golang.org/x/crypto/bcrypt` write.
///
/// Prometheus's exporter-toolkit stores `basic_auth_users` passwords this way, so a web
/// configuration file written for a Go exporter works here unchanged. Prefixes `$2a$`, `$2b$` and
/// `$2y$` are accepted and treated alike (they differ only in bugs of old implementations with
/// passwords longer than 255 bytes or with 8-bit characters); `$2x$` is refused. Costs 4 through
/// 31 are accepted; every step doubles the work of a check.
public struct BcryptHash: Sendable, Hashable, CustomStringConvertible {
  /// The hash exactly as given, e.g. `$2y$10$...`.
  public let encoded: String
  /// The cost factor: a check runs `2^cost` rounds of bcrypt's key schedule.
  public let cost: Int
  private let salt: [UInt8]
  private let digest: [UInt8]

  /// Why a string is not a bcrypt hash.
  public struct FormatError: Error, Hashable, CustomStringConvertible {
    /// What is wrong, in words.
    public let reason: String
    /// The reason, for logs and error messages (the hash itself is not repeated).
    public var description: String { self.reason }
  }

  /// Parses a hash such as `$2y$10$...`, checking its prefix, cost, length and alphabet.
  ///
  /// - Throws: ``FormatError`` when `encoded` is not a usable bcrypt hash.
  public init(_ encoded: String) throws {
    let bytes = Array(encoded.utf8)
    guard bytes.count == 60 else {
      throw FormatError(reason: "a bcrypt hash has 60 characters, this has \(bytes.count)")
    }
    let prefix = String(decoding: bytes[0 ..< 4], as: UTF8.self)
    guard ["$2a$", "$2b$", "$2y$"].contains(prefix) else {
      throw FormatError(reason: "a bcrypt hash starts with $2a$, $2b$ or $2y$")
    }
    guard
      bytes[6] == UInt8(ascii: "$"),
      let cost = Int(String(decoding: bytes[4 ..< 6], as: UTF8.self)),
      (4 ... 31).contains(cost)
    else {
      throw FormatError(reason: "the cost must be two digits from 04 to 31")
    }
    guard
      let salt = BcryptBase64.decode(bytes[7 ..< 29], byteCount: 16),
      let digest = BcryptBase64.decode(bytes[29 ..< 60], byteCount: 23)
    else {
      throw FormatError(reason: "salt and hash must use bcrypt's base64 alphabet [./A-Za-z0-9]")
    }
    self.encoded = encoded
    self.cost = cost
    self.salt = salt
    self.digest = digest
  }

  /// Hashes `password` with a fresh random salt, for writing configuration (the demo's
  /// `--metrics-basic-auth` flag uses it to avoid keeping the password itself).
  ///
  /// - Parameter cost: 4 through 31. Default: 10, as Go's `bcrypt.DefaultCost` and `htpasswd -B`.
  public init(hashing password: String, cost: Int = 10) {
    precondition((4 ... 31).contains(cost), "bcrypt cost must be 4 through 31")
    var generator = SystemRandomNumberGenerator()
    let salt = (0 ..< 16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    let digest = Self.compute(password: Array(password.utf8), salt: salt, cost: cost)
    let costText = cost < 10 ? "0\(cost)" : "\(cost)"
    self.encoded =
      "$2b$\(costText)$" + BcryptBase64.encode(salt) + BcryptBase64.encode(digest)
    self.cost = cost
    self.salt = salt
    self.digest = digest
  }

  /// Whether `password` is the one this hash was made from. Runs the full cost every time and
  /// compares in constant time, so the answer's timing says nothing about how close a guess was.
  public func verify(_ password: String) -> Bool {
    let computed = Self.compute(password: Array(password.utf8), salt: self.salt, cost: self.cost)
    return ConstantTime.equals(computed, self.digest)
  }

  /// Names the cost only: the hash stays out of logs.
  public var description: String { "BcryptHash(cost: \(self.cost))" }

  /// Equal when the encoded hashes are equal (same prefix, cost, salt and hash).
  public static func == (lhs: BcryptHash, rhs: BcryptHash) -> Bool {
    lhs.encoded == rhs.encoded
  }

  /// Hashes the encoded form, consistently with `==`.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(self.encoded)
  }

  /// bcrypt proper: the 23 bytes that follow the salt in the encoded hash.
  static func compute(password: [UInt8], salt: [UInt8], cost: Int) -> [UInt8] {
    // The key is the password and its terminating NUL, of which only 72 bytes count.
    var key = Array(password.prefix(72))
    if key.count < 72 {
      key.append(0)
    }
    let blowfish = EksBlowfish()
    blowfish.expand(key: key, salt: salt)
    for _ in 0 ..< (1 << cost) {
      blowfish.expand(key: key, salt: nil)
      blowfish.expand(key: salt, salt: nil)
    }
    var text = Array("OrpheanBeholderScryDoubt".utf8)
    var words = (0 ..< 6).map { index in
      var position = index * 4
      return EksBlowfish.nextWord(text, &position)
    }
    for _ in 0 ..< 64 {
      for index in stride(from: 0, to: 6, by: 2) {
        var left = words[index]
        var right = words[index + 1]
        blowfish.encrypt(&left, &right)
        words[index] = left
        words[index + 1] = right
      }
    }
    text = words.flatMap { word in
      [
        UInt8(word >> 24), UInt8((word >> 16) & 0xff), UInt8((word >> 8) & 0xff),
        UInt8(word & 0xff),
      ]
    }
    key.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    return Array(text.prefix(23))
  }
}
