import Testing

@testable import GRPCPrometheusExporter

@Suite("bcrypt")
struct BcryptHashTests {
  /// Openwall's crypt_blowfish test vectors (also in OpenBSD's and Go's bcrypt tests), plus two
  /// made with glibc/libxcrypt's `crypt` for the `$2b$` and `$2y$` prefixes.
  static let vectors: [(password: String, hash: String)] = [
    ("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
    ("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"),
    ("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"),
    (
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        + "chars after 72 are ignored",
      "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"
    ),
    ("", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"),
    ("secret", "$2b$04$abcdefghijklmnopqrstuu2r9OfJnfCsdneAXAGHnS4UpFFP8WIrW"),
    (
      "correct horse battery staple", "$2y$06$ABCDEFGHIJKLMNOPQRSTUutjyZzFCNpbIed9Hi.n7ZKqFVlMJ6oq."
    ),
  ]

  @Test("Known vectors verify, and nearby passwords do not", arguments: 0 ..< 7)
  func knownVectors(index: Int) throws {
    let (password, encoded) = Self.vectors[index]
    let hash = try BcryptHash(encoded)
    #expect(hash.verify(password))
    if password.utf8.count < 72 {
      #expect(!hash.verify(password + "x"))
    }
    #expect(!hash.verify("U*U*U*U"))
  }

  @Test("Computing a known vector gives its exact hash bytes")
  func computeMatchesVector() throws {
    let encoded = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
    let salt = try #require(BcryptBase64.decode(Array(encoded.utf8)[7 ..< 29], byteCount: 16))
    let digest = BcryptHash.compute(password: Array("U*U".utf8), salt: salt, cost: 5)
    #expect("$2a$05$" + BcryptBase64.encode(salt) + BcryptBase64.encode(digest) == encoded)
  }

  @Test("Only the first 72 bytes of a password count")
  func passwordsAreTruncatedAt72Bytes() throws {
    let hash = try BcryptHash(Self.vectors[3].hash)
    #expect(hash.verify(String(Self.vectors[3].password.utf8.prefix(72))!))
    #expect(hash.verify(String(Self.vectors[3].password.utf8.prefix(72))! + "anything"))
    #expect(!hash.verify(String(Self.vectors[3].password.utf8.prefix(71))!))
  }

  @Test("A new hash verifies its password, names its cost, and parses back")
  func hashingRoundTrips() throws {
    let hash = BcryptHash(hashing: "hunter2", cost: 4)
    #expect(hash.encoded.hasPrefix("$2b$04$"))
    #expect(hash.encoded.utf8.count == 60)
    #expect(hash.cost == 4)
    #expect(hash.verify("hunter2"))
    #expect(!hash.verify("hunter3"))
    #expect(try BcryptHash(hash.encoded) == hash)
    #expect(hash.description == "BcryptHash(cost: 4)")
    #expect(BcryptHash(hashing: "hunter2", cost: 4) != hash)  // a fresh salt each time
  }

  @Test(
    "Malformed hashes are refused with a reason",
    arguments: [
      ("$2a$05$short", "a bcrypt hash has 60 characters, this has 12"),
      (
        "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "a bcrypt hash starts with $2a$, $2b$ or $2y$"
      ),
      (
        "$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "the cost must be two digits from 04 to 31"
      ),
      (
        "$2a$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "the cost must be two digits from 04 to 31"
      ),
      (
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!",
        "salt and hash must use bcrypt's base64 alphabet [./A-Za-z0-9]"
      ),
    ]
  )
  func malformedHashes(encoded: String, reason: String) {
    #expect(throws: BcryptHash.FormatError(reason: reason)) {
      _ = try BcryptHash(encoded)
    }
  }

  @Test("bcrypt's base64 round-trips every length")
  func base64RoundTrips() {
    for length in 0 ..< 40 {
      let bytes = (0 ..< length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
      let text = BcryptBase64.encode(bytes)
      #expect(text.utf8.count == (length * 4 + 2) / 3)
      #expect(BcryptBase64.decode(Array(text.utf8)[...], byteCount: length) == bytes)
    }
  }

  @Test("Constant-time comparison compares whole contents")
  func constantTimeEquality() {
    #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
    #expect(!ConstantTime.equals([1, 2, 3], [0, 2, 3]))
    #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    #expect(ConstantTime.equals([UInt8](), []))
  }
}
