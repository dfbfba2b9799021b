# The letter commands, case transfer and case export through a server (--server).
remote-no-served-form = `wardflow { $command }` 还不能通过服务（--server { $url }）运行，也不会改为在本机数据库上运行；请在存放数据库的机器上不带 --server 运行。
api-bad-letter-format = 查询参数 format（文书形式）须为 html、txt、pdf 或 docx，而不是 “{ $format }”。
api-bad-file-base64 = file_base64（待核验的文件）不是有效的 base64。
