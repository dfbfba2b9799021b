# Children's data, protected (issue 23): encrypted copies, de-identified exports, sealing, reads.

copy-plain-warning = note: { $path } is an unencrypted copy: anyone who gets it can read the children's personal data. This plain copy is recorded in the access log.
copy-no-recipients = no public keys (recipients) are published for encrypted copies, and backups and exports are encrypted by default; nothing was written. An administrator publishes them with `wardflow publish privacy FILE`; add --plain for an unencrypted copy (recorded in the access log).
copy-needs-identity = this is an encrypted copy: name the secret key file that opens it (AGE-SECRET-KEY-1…, or WARDFLOW-SM2-SECRET-KEY-… for a national database's copy) with --identity. Nothing was changed.
copy-wrong-key = the given secret key does not open this encrypted copy (it was not made for that key). Nothing was changed.
copy-damaged = the encrypted copy is damaged or was changed ({ $detail }) and cannot be used. Nothing was changed.
copy-bad-identity = { $path } holds no usable secret key (AGE-SECRET-KEY-1… for age, WARDFLOW-SM2-SECRET-KEY- and 64 hex digits for SM2; lines starting with # are comments).
copy-bad-recipient = { $key } is not an age public key (it starts with age1) or an SM2 public key (130 hex digits starting 04).
copy-recipient-other-profile = the published recipient { $key } is not a key of this database's cryptographic profile ({ $profile }: standard copies go to age keys, national ones to SM2 keys), so no copy was written. An administrator publishes the privacy settings again with keys of the right kind (recipients; `wardflow key identity` makes one).
copy-io = the encrypted copy could not be read or written: { $detail }
key-identity-made = made the secret key for opening encrypted copies in { $path } (readable by this account only; keep it safe). Public key (publish it under recipients in privacy.yaml): { $public }
export-deidentified-done = exported de-identified data to { $path }: { $cases } cases (names and identity numbers as pseudonyms, birth dates to the year, no addresses, phone numbers or free text).
pseudonym-key-bad = { $path } is not a pseudonym key file (64 hex digits).
case-sealed = case { $case } is closed and past its retention, sealed since { $since }: only an administrator who gives a reason (--why) may read it.
case-sealed-why = case { $case } is sealed: an administrator reading it gives the reason with --why; it is kept in the access log.
child-sealed = sealed cases (past their retention: counted, not shown): { $cases }

help-publish-privacy = Publish the privacy settings (administrators only): who encrypted backups and exports are for, and when closed cases are sealed
help-publish-privacy--file = The privacy file (format: docs/privacy.md)
help-child-access = Who read this child's data: by whom, when and why (administrators and auditors)
help-child-access--child = The child's identity number, or the registry id of a child of unknown identity
help-child-access--csv = Comma-separated values instead of a table
help-key-identity = Make a key pair for opening encrypted backups and exports: the secret into a file (owner-only), the public key shown, to publish as a recipient
help-key-identity--out = Where to keep the secret key (must not exist yet)
help-key-identity--crypto = The profile of the databases whose copies it opens: standard (an age X25519 pair) or national (an SM2 pair); by default the database's profile, else standard
help-any--plain = Write an unencrypted copy (recorded in the access log); by default it is encrypted to the recipients published with `wardflow publish privacy`
help-any--identity = The secret key file that opens an encrypted copy (age: AGE-SECRET-KEY-1…; a national database's copy: WARDFLOW-SM2-SECRET-KEY-…)
help-export--deidentify = A de-identified export for statistics and research: pseudonyms for names and identity numbers, birth dates to the year, no addresses, phone numbers or free text
help-export--pseudonym_key = The pseudonym key file (default: the database path with `.pseudonym-key` appended; made, owner-only, by the first de-identified export)
help-wardflow--why = Why you read (kept in the access log with each read); required of an administrator reading a sealed case
