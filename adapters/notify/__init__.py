"""Notification delivery: the outbox dispatcher and the channels it sends through.

Other code writes rows into the ``outbox`` table in the same transaction as what caused them (the
sweep, wired with its channels by :mod:`adapters.notify.sweeping`; the notices of commands);
:mod:`adapters.notify.dispatcher` claims due rows, cancels those gone stale, sends each of the
others through a :class:`~adapters.notify.channels.Channel` (SMTP e-mail, signed webhooks,
Apprise) and records the outcome, retrying with exponential back-off until a row is sent or dead.
"""
