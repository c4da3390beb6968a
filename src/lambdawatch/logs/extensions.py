"""Lambda extensions known to be published by AWS or mainstream vendors (``EXTENSION Name:``).

Anything else that registers itself is reported as ``unknown-extension``; add your own with
``logs --known-extension NAME``."""

from __future__ import annotations

KNOWN_EXTENSIONS = frozenset(
    {
        "AWSParametersAndSecretsLambdaExtension",  # AWS Parameters and Secrets
        "cloudwatch_lambda_agent",  # CloudWatch Lambda Insights
        "collector",  # AWS Distro for OpenTelemetry
        "AppConfigAgent",
        "appconfig-agent",  # AWS AppConfig
        "aws-lambda-web-adapter",
        "lambda-adapter",
        "datadog-agent",
        "newrelic-lambda-extension",
        "dynatrace-extension",
        "dynatrace",
        "lumigo-extension",
        "sumologic-extension",
        "honeycomb-lambda-extension",
        "elastic-apm-extension",
        "splunk-extension-wrapper",
        "thundra",
        "epsagon",
    }
)
