"""Pupils, groups and teachers from the school's administration (ParnasSys, ESIS, Somtoday, Magister).

One way in, for the pages, the command and the API alike:

- `read_file` reads an upload: EDEXML 2.x (`edexml.py`) or a CSV export with the school's column
  mapping (`csv_reader.py`). Both give an `Incoming` (`records.py`), or refuse the whole file with
  a Dutch message (`FileRefused`); a bad row becomes a `Rejected` with its reason.
- `plan` (`plan.py`) is the pure diff of what Haven has against what the file says.
- `sync.py` holds the services: `current_state`, `dry_run` and `apply_plan` (one transaction, one
  audit event with the counts). See docs/pupil-import.md.
"""
