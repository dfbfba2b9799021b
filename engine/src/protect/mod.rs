//! Children's data, protected (issue 23): encrypted copies (`copies`: age, or `sm_copy`'s
//! national container), the privacy settings and
//! the sealing of closed cases past their retention (`privacy`), and de-identified exports
//! (`deidentify`). The decisions are pure or local to a file; the application layer
//! (`app/protect.rs`) authorises, reads the settings in force and logs.

pub mod copies;
pub mod deidentify;
pub mod privacy;
pub mod sm_copy;
