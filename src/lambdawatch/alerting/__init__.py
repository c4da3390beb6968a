"""Alerting: throttle windows, alert assembly, scoring, tuning and the output sinks."""
