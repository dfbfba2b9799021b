# External ids (issue 25): the id another system (a police system) gave a case; opening again with it from the same source for the same workflow gives one case.
case-open-existing = External id (external-id) "{ $id }" (source { $source }) already names case { $case }: no case was opened now; the existing case is given back.
external-id-bad = An external id (--external-id, external_id) is 1 to { $max } printable ASCII characters without spaces.
external-source-bad = A source (--source) is 1 to { $max } characters without spaces or control characters.
external-source-without-id = A source (--source) is given only with an external id (--external-id).
external-source-remote = Through a server (--server) the source is the user of the token that sends the request; --source cannot name another.
external-id-taken = External id (external-id) "{ $id }" is already taken for this source and workflow; no case was opened.
external-id-conflict = External id (external-id) "{ $id }" names case { $case }, which was opened with other data (or another unit, officer or time); no case was opened. A retry must repeat the original request; another matter needs another external id.
show-external = external id: { $id } (source { $source })
help-case-open--external_id = The id another system gave the case (e.g. PSB-2026-0001): opening again with it gives the existing case back instead of a duplicate
help-case-open--source = The system the external id comes from (default: you; through a server, your token's user)
help-case-list--external_id = Only the cases opened with this external id (from any source)
