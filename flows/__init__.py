"""Prefect 3 flows that run patok's background work on a schedule.

* ``patok-sweep`` (:mod:`flows.sweep`): raise the reminders and escalations that are due, record a
  table artifact of what was raised and emit one Prefect event per alert.
* ``patok-events`` (:mod:`flows.events`): publish the audit log to Prefect as events
  (``patok.stage.submitted`` …), at least once, behind a cursor in the database.
* ``patok-dispatch`` and ``patok-digest`` (:mod:`flows.dispatch`): send the outbox; fold held
  notifications into one daily digest per person.
* :mod:`flows.serve`: the deployments with their schedules, and ``serve_all()`` to run them.

Every flow finds its database the way the CLI does, through :class:`adapters.settings.Settings`
(``PATOK_DATABASE_URL``, else the SQLite file in ``PATOK_DATA_DIR``). The URL is deliberately not a
flow parameter: parameters are stored by the Prefect server and shown in its UI, and a database URL
may carry a password. Each flow run wires patok once (:func:`adapters.bootstrap.bootstrap`) and
closes the connections when it ends. All of them are safe to run concurrently with themselves, so
overlapping scheduled runs are harmless.
"""
