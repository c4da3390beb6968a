"""The incremental detection core: a :class:`Detector` over an explicit :class:`StreamState`.

Records go in, in event-time order (``feed``); throttle windows come out as they close, and
the windows still open can be read at any time. The state is saved between runs, so a run's
cost follows its own records, not the history (see :mod:`lambdawatch.detect.incremental`).
"""
