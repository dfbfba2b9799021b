# check on PostgreSQL: the same checks as on redb (issue 24)
check-number-counter = the counter { $key } is { $counter }, below the number { $highest } an archived letter already bears: the next letter would take it again
check-letter = archived letter { $letter }: { $problem ->
    [missing] its case's history records it, but the archive does not hold it
    [unrecorded] the archive holds it, but no case's history records it
    [differs] it does not match its digests or what its case's history recorded
   *[unreadable] its archive record cannot be read
}
