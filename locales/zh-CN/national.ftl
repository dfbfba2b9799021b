# 国密配置（issue 23 第 6 项）：数据库在 init 时选定的密码算法配置（标准：SHA-256、Ed25519；国密：SM3、SM2、SM4）。

national-crypto = 密码配置：{ $profile ->
        [national] 国密（national）
       *[other] 标准（standard）
    }，哈希算法 { $hash }，签名算法 { $signature }。
