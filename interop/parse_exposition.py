#!/usr/bin/env python3
"""Checks a Prometheus text exposition with the reference Python parser.

Reads the exposition from stdin and parses it with
prometheus_client.parser.text_string_to_metric_families. On success prints the
number of metric families and exits 0; on a parse error prints the error to
stderr and exits 1.

Options:
  --list   also print every family as "<name> <type> <number of samples>"
           (after the count)

Usage: curl -s 127.0.0.1:9464/metrics | interop/parse_exposition.py
"""

from __future__ import annotations

import sys

from prometheus_client.parser import text_string_to_metric_families


def main(argv: list[str]) -> int:
    list_families = "--list" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--list"]
    if unknown:
        print(f"unknown arguments: {' '.join(unknown)}", file=sys.stderr)
        return 2
    text = sys.stdin.buffer.read().decode("utf-8", errors="strict")
    try:
        # The parser is lazy: materialise every family (and sample) so errors
        # anywhere in the input surface here.
        families = [(f.name, f.type, len(list(f.samples)))
                    for f in text_string_to_metric_families(text)]
    except Exception as error:  # the parser raises ValueError and friends
        print(f"parse error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(len(families))
    if list_families:
        for name, kind, samples in families:
            print(f"{name} {kind} {samples}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
