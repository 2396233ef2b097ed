"""Backups that restore: `kommunekompass backup -o DIR` and `kommunekompass restore DIR`.

A backup is a folder:

    manifest.json        what is inside, with every checksum (manifest.py)
    database.sqlite3     the SQLite database (the online backup API), or
    database.pgdump      the PostgreSQL database (pg_dump --format=custom)
    secret_key           the SECRET_KEY, unless made with --without-secret-key
    files/NAME           every file of the storage (the data dir's uploads/ or the bucket)

The database is taken first, as one consistent snapshot, then the files are copied: a file the
database names was written before the row that names it, so it is in the storage when the
files are copied (unless it was removed in between, which the backup then reports). Files
written after the snapshot are copied too and are harmless: nothing in the backup names them.
"""
