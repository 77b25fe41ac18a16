"""The course's benchmark, ``make bench``: :mod:`benchmarks.run` executes every notebook in full and
quick mode for several seeds (:mod:`benchmarks.notebooks` runs one and measures it) and
:mod:`benchmarks.report` renders ``benchmarks/RESULTS.md`` from the saved run."""
