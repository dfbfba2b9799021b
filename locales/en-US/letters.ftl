# DOCX export of letters (issue 21 item 2): an editable, unofficial copy.
letter-docx-failed = writing { $document } as DOCX failed: { $detail }
letter-docx-templates-changed = letter { $id } was issued with other templates than those in force, so no DOCX copy (--format docx) can be made of it; export the archived PDF, HTML or text instead.
help-value-format-docx = DOCX, an editable unofficial copy (not archived, cannot be verified)
