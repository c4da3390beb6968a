"""Engine: the rule model, the loader that validates rule files, the matcher and the prefilter."""
