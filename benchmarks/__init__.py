"""The course's benchmark: ``make bench`` (``python -m benchmarks.run``).

* :mod:`benchmarks.notebooks` executes a notebook top to bottom in a fresh kernel and
  measures its wall time, the kernel's CPU time and its peak memory;
* :mod:`benchmarks.pca` computes the PCA baseline at any code size on the same data;
* :mod:`benchmarks.table` turns the rows the notebooks record (``helpers.results``),
  the run measurements and the explorers' figures into ``benchmarks/RESULTS.md``;
* :mod:`benchmarks.run` is the command that does all of it;
* ``benchmarks/explorers.py`` times the slider explorers (run by :mod:`benchmarks.run`).
"""
