"""``lambdawatch respond``: preserve a suspicious function's evidence, then contain it reversibly.

The flow, one module per stage: ``target`` (which function, from a name, an ARN or a stored
alert), ``collect`` and ``collect_context`` (every version, alias, policy, URL, mapping, layer,
the role and the triggers, written to an ``evidence`` store), ``manifest`` (SHA-256 of every
artifact, written last, verified before any change), ``plan`` (the reversible containment steps
the current state calls for, from ``statements`` for resource policies), ``apply`` (runs them,
one ``actions.jsonl`` line each) and ``rollback`` (restores every recorded ``before``).
"""
