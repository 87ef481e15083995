"""Notification delivery: the outbox dispatcher and the channels it sends through.

Other code writes rows into the ``outbox`` table in the same transaction as what caused them;
:mod:`adapters.notify.dispatcher` claims due rows, sends each through a
:class:`~adapters.notify.channels.Channel` (SMTP e-mail, signed webhooks, Apprise) and records the
outcome, retrying with exponential back-off until a row is sent or dead.
"""
