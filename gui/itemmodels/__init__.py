"""Qt item models: column constants, custom roles holding ids, rows fetched lazily.

Named ``...Model`` only here, and never after an entity (``DocumentTableModel`` lists
``Document`` rows), so ORM classes and Qt models cannot be confused.
"""
