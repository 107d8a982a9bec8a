"""The Bulletin benchmark: synthetic record repositories (synth) and paired timings (measure).

    python -m benchmarks [--n 1000 10000] [--repeat 3] [--only validate,build,edit] [--out results.json]
"""
