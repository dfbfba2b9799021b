# Office key rotation and passphrase-protected key files (issue 23 item 5).

key-needs-passphrase = { $path } is protected by a passphrase: set WARDFLOW_KEY_PASSPHRASE (or run the command at a terminal to type it). Nothing was changed.
key-wrong-passphrase = the passphrase does not open the office key file { $path }. Nothing was changed.
key-empty-passphrase = an empty passphrase protects nothing: give a passphrase (WARDFLOW_KEY_PASSPHRASE). Nothing was changed.
key-not-current = the key file's key ({ $fingerprint }) is not the office key in force ({ $current }): it was rotated out, or belongs to another office. A retired key signs nothing; use the current key file (`--key-file`). Nothing was changed.
key-already-in-ring = key { $fingerprint } is already in the office key ring; a rotation needs a new key. Nothing was changed.
key-bad-ring = the office key ring stored in the database does not read: { $detail }
key-passphrase-prompt = passphrase of the office key { $path }:
key-new-passphrase-prompt = passphrase for the new office key { $path }:
key-passphrase-again = the same passphrase again:
key-passphrases-differ = the two passphrases differ. Nothing was changed.
key-rotate-not-moved = the rotation is recorded and the new key is in force, but it is still in { $new } and could not replace { $path } ({ $detail }): move it there by hand, then delete nothing else.
key-rotated = rotated the office signing key: key { $old_id } ({ $old }) is retired and kept in the key ring, so what it signed still verifies; key { $new_id } ({ $new }) is in force, in { $path }, protected by the passphrase. The rotation is recorded in the access log.
key-ring-id = key (key_id)
key-ring-fingerprint = fingerprint
key-ring-from = in force from
key-ring-until = retired
key-ring-public = public key (public_key)
key-ring-in-force = in force
key-ring-none = this database keeps no key ring (its office key was never rotated): give the office public key with --key (as `wardflow key show` prints it).
export-key-outside-period = the file was signed by key { $key_id } of the office key ring, but on { $at }, when that key was not in force (retired, or not yet made): not accepted.
help-key-rotate = Replace the office signing key (administrators): old public keys stay in the key ring, the new key file is passphrase-protected, the rotation is logged
help-key-ring = List every office public key (the key ring): number, fingerprint, when in force
