"""lambdawatch: find, explain and contain AWS Lambda backdoors and persistence."""

__version__ = "0.1.0"
