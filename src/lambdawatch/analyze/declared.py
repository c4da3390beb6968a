"""The finding kinds each analyzer may emit, checked against the registry when analyzers load."""

from __future__ import annotations

from lambdawatch.kinds import require as require_kind

ANALYZER_KINDS: dict[str, tuple[str, ...]] = {
    "names": ("suspicious-name", "random-name", "hidden-characters"),
    "typosquat": ("typosquat-name",),
    "runtimes": ("deprecated-runtime", "custom-runtime", "container-image"),
    "configuration": ("high-resources", "vpc-egress-unrestricted"),
    "existing": (
        "public-function-url",
        "permissive-cors",
        "public-invoke-permission",
        "cross-account-invoke-permission",
        "foreign-layer",
        "deprecated-runtime",
        "custom-runtime",
        "container-image",
        "high-resources",
        "vpc-egress-unrestricted",
    ),
    "env": ("env-secret",),
    "human-identity": ("human-identity",),
    "unusual-principal": ("unusual-principal",),
}


def check_analyzer_kinds(declared: dict[str, tuple[str, ...]] = ANALYZER_KINDS) -> None:
    """Every kind an analyzer declares is registered; :class:`KindError` names the analyzer."""
    for name, slugs in declared.items():
        for slug in slugs:
            require_kind(slug, where=f"analyzer {name} (lambdawatch.analyze)")
