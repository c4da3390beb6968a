"""Random-looking names, and the generated names of infrastructure-as-code tools that are not.

A name segment (split on ``-``, ``_``, ``.``) of 10 or more letters and digits reads as random
when fewer than half of its letters belong to word-like tokens (CamelCase words, or a lowercase
or uppercase run whose letter pairs are mostly common English pairs). UUIDs are random too.

Generated names are recognised first, and their generated parts never count:

- CloudFormation (SAM, CDK, Serverless Framework, Amplify all deploy through it): a physical name
  ``{stack}-{LogicalId}-{suffix}`` whose suffix is 12-13 uppercase letters and digits (older
  stacks) or 12 mixed-case ones, the logical ID carrying a capital letter; the logical ID may
  end in CDK's 8-character uppercase hex hash (``HelloHandler2E4FBA4D``) or be one of CDK's
  singleton providers (``AWS679f53fac002430cb0da5b7982bd2287``, ``LogRetention`` + 32 hex).
- CDK hashes anywhere: a word-bearing token followed by 8 uppercase hex characters.
- Amplify: app ids after ``amplify`` (``d`` + 13 lowercase letters and digits), and the
  10-hex deployment hash after ``sandbox`` or ``branch`` (Gen 2 stacks).
- Terraform ``name_prefix`` and ``terraform-`` ids: a 26-digit timestamp-and-counter suffix;
  Pulumi auto-names append 7 hex characters (too short to count); digits alone never count.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from lambdawatch.data import load

_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_SEP = re.compile(r"[-_.]")
_CFN_SUFFIX = re.compile(r"^(?:[A-Z0-9]{12,13}|[A-Za-z0-9]{12})$")
_LOGICAL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*$|^[A-Z][A-Za-z0-9]*$")
_CDK_HASH = re.compile(r"^(?P<head>[A-Za-z0-9]*[a-z][A-Za-z0-9]*?)(?P<hash>[0-9A-F]{8})$")
_CDK_SINGLETON = re.compile(r"^[A-Za-z]+[0-9a-f]{32}$")
_AMPLIFY_APP = re.compile(r"^d[a-z0-9]{12,13}$")
_AMPLIFY_HASH = re.compile(r"^[0-9a-f]{10}$")
_TERRAFORM_ID = re.compile(r"^\d{26}$")
_VOWELS = frozenset("aeiouy")
MIN_RANDOM = 10


@cache
def _common_bigrams() -> frozenset[str]:
    return frozenset(load("names.yml")["common_bigrams"].split())


@cache
def _vocabulary() -> frozenset[str]:
    return frozenset(load("names.yml")["vocabulary"].split())


def _wordlike(token: str) -> bool:
    """A token that reads as a word or a word's abbreviation: one of the technical words of
    ``names.yml``, or letters with a vowel whose letter pairs are common English pairs (all of
    them for 2-3 letters, at least half for 4-7, more than 60% for longer)."""
    low = token.lower()
    if low in _vocabulary():
        return True
    if len(low) < 2 or not low.isalpha() or not _VOWELS & set(low):
        return False
    pairs = [low[i : i + 2] for i in range(len(low) - 1)]
    rare = sum(1 for p in pairs if p not in _common_bigrams())
    if len(low) < 4:
        return rare == 0
    return rare / len(pairs) < (0.4 if len(low) >= 8 else 0.5)


def random_segment(segment: str) -> bool:
    """A segment of 10+ letters and digits with fewer than half its letters in word-like tokens."""
    if len(segment) < MIN_RANDOM or not segment.isalnum() or not segment.isascii():
        return False
    if segment.isdigit():
        return False
    m = _CDK_HASH.match(segment)
    if m and any(c.isdigit() for c in m.group("hash")):
        return random_segment(m.group("head"))
    tokens = _TOKEN.findall(segment)
    letters = sum(len(t) for t in tokens if t.isalpha())
    if letters == 0:
        return False
    covered = sum(len(t) for t in tokens if t.isalpha() and _wordlike(t))
    return covered / letters < 0.5


def _cloudformation_parts(segments: list[str]) -> tuple[int, int] | None:
    """(index of the logical ID, index of the suffix) when the name is a CloudFormation physical
    name ``stack-LogicalId-SUFFIX``, else None."""
    if len(segments) < 3 or not _CFN_SUFFIX.match(segments[-1]):
        return None
    suffix = segments[-1]
    if not (any(c.isdigit() for c in suffix) or suffix.isupper() or random_segment(suffix)):
        return None  # a run of words, not CloudFormation's random suffix
    logical = segments[-2]
    if _LOGICAL_ID.match(logical) or _CDK_SINGLETON.match(logical):
        return len(segments) - 2, len(segments) - 1
    return None


@lru_cache(maxsize=16384)  # a pure function of the name; many events share one function
def generated_parts(name: str) -> tuple[str, ...]:
    """The segments of ``name`` an IaC tool generated (never judged random)."""
    segments = [s for s in _SEP.split(_UUID.sub("", name)) if s]
    out: list[str] = []
    cfn = _cloudformation_parts(segments)
    if cfn is not None:
        out += [segments[cfn[0]], segments[cfn[1]]]
    for i, seg in enumerate(segments):
        before = segments[i - 1].lower() if i > 0 else ""
        terraform = bool(_TERRAFORM_ID.match(seg)) or (
            seg.startswith("terraform") and seg[9:].isdigit()
        )
        amplify = (before == "amplify" and bool(_AMPLIFY_APP.match(seg))) or (
            before in ("sandbox", "branch") and bool(_AMPLIFY_HASH.match(seg))
        )
        if terraform or amplify or _CDK_SINGLETON.match(seg):
            out.append(seg)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=16384)  # a pure function of the name
def random_parts(name: str) -> tuple[str, ...]:
    """The random-looking parts of ``name`` (UUIDs, random segments), IaC-generated ones
    excepted; empty for names made of words and generated suffixes."""
    found: list[str] = _UUID.findall(name)
    generated = set(generated_parts(name))
    for seg in _SEP.split(_UUID.sub("", name)):
        if seg and seg not in generated and random_segment(seg):
            found.append(seg)
    return tuple(found)
