# The national cryptographic profile (issue 23 item 6): the algorithms a database chose at init
# (standard: SHA-256, Ed25519; national: SM3, SM2, SM4).

national-crypto = cryptographic profile: { $profile }, hashes { $hash }, signatures { $signature }.
national-key-wrong-algorithm = the key { $path } is an { $found } key, but this database's cryptographic profile signs with { $expected } (a national database with an SM2 key, a standard one with Ed25519). Nothing was changed.
national-key-algorithm = signature algorithm (algorithm): { $algorithm }
