# served-office：run、check、verify、import-register 的 --server 形式。
remote-run-served = `wardflow run` 是在数据库文件旁运行的期限执行器；服务 { $url } 自带期限执行器，带 --server 时无需在此运行。如需通过服务立即处理到期事项，请用 `wardflow timers tick --server { $url }`。
