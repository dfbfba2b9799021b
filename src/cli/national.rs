//! The national cryptographic profile as the command line shows it (issue 23 item 6): the
//! line naming a database's profile and its algorithms, printed by `init` and `check`.

use wardflow_engine::crypto::Profile;

use crate::i18n::Tr;
use crate::tr;

/// "Cryptographic profile: national (SM3 hashes, SM2 signatures)" in the user's language.
pub fn crypto_line(tr: &Tr, crypto: Profile) -> String {
    tr!(
        tr,
        "national-crypto",
        profile = crypto.key(),
        hash = crypto.hash_algorithm(),
        signature = crypto.signature_algorithm()
    )
}
