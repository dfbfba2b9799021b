# served-office: the --server forms of run, check, verify and import-register.
remote-run-served = `wardflow run` is the deadline runner beside a database file; the server { $url } runs its own deadline runner, so there is nothing to run here with --server. To fire what is due now through the server, use `wardflow timers tick --server { $url }`.
