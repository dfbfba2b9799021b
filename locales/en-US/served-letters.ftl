# The letter commands, case transfer and case export through a server (--server).
remote-no-served-form = `wardflow { $command }` cannot run through a server yet (--server { $url }), and does not run on this machine's database instead; run it without --server on the machine that holds the database.
api-bad-letter-format = the query's format (the letter's form) must be html, txt, pdf or docx, not “{ $format }”.
api-bad-file-base64 = file_base64 (the file to verify) is not valid base64.
