# 国密配置（issue 23 第 6 项）：数据库在 init 时选定的密码算法配置（标准：SHA-256、Ed25519；国密：SM3、SM2、SM4）。

national-crypto = 密码配置：{ $profile ->
        [national] 国密（national）
       *[other] 标准（standard）
    }，哈希算法 { $hash }，签名算法 { $signature }。
national-key-wrong-algorithm = 密钥 { $path } 是 { $found } 密钥，而本数据库的密码配置使用 { $expected } 签名（国密数据库用 SM2 密钥，标准数据库用 Ed25519 密钥）。未做任何更改。
national-key-algorithm = 签名算法（algorithm）：{ $algorithm }
