# The national cryptographic profile (issue 23 item 6): the algorithms a database chose at init
# (standard: SHA-256, Ed25519; national: SM3, SM2, SM4).

national-crypto = cryptographic profile: { $profile }, hashes { $hash }, signatures { $signature }.
