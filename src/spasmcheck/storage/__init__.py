"""Storage: accounts, sign-in tokens, diary episodes and saved assessments.

SQLAlchemy 2 typed models (:mod:`.models`), a session factory that migrates the database to
the newest Alembic revision on first use (:mod:`.db`), and keyword-only data-access
functions that scope every query to its owner (:mod:`.repository`). The embedded default is
a SQLite file (WAL mode); a ``postgresql+psycopg://`` URL serves several app instances.
"""
