"""The former `signalling` app, kept only for its migrations.

Its models moved to the apps whose names say what they hold: the sibling link to `haven.pupils`,
planned conversations to `haven.meldcode`, police notices (Handle with Care) and verwijsindex
entries to `haven.external_signals`. Their tables kept their names (`signalling_*`, through
`Meta.db_table`), so nothing was copied. A database migrated before the move has this app's
migrations applied, and a fresh database still creates the tables through them; migration 0004
then hands the models over (state only). Nothing else may be added here.
"""
