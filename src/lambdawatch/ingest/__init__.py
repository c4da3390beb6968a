"""Ingest: sources (files, folders, S3, stdin), decoding with the byte prefilter, normalization."""
