"""Notifications of alert changes: webhook (Standard Webhooks), Slack (Block Kit) and SNS.

``targets`` parses ``--notify`` specs, ``payloads`` builds each sink's message from an alert,
``enqueue`` fills the outbox in the run's transaction, ``sender`` delivers it with retries.
"""
