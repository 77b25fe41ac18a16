# The course's kernel settings, copied into .venv/etc/ipython/ by `make install` (every kernel
# started from .venv reads them: make lab, make kernel, nbval, the benchmark).
#
# TensorFlow's C++ core writes start-up lines straight to the process's stderr (absl's
# "All log messages before absl::InitializeLog()", the oneDNN notice, "Could not find cuda
# drivers", "failed call to cuInit") whatever TF_CPP_MIN_LOG_LEVEL says. ipykernel would
# forward them into the first cells as red text that says nothing about the lesson; with
# this they go to the terminal that runs JupyterLab instead. Python's own warnings and
# errors still reach the notebook.
c.IPKernelApp.capture_fd_output = False  # noqa: F821 (c is the config object IPython provides)
