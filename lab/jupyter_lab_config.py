"""How the course's JupyterLab is served: used by `make lab` and by the browser test.

    jupyter lab --config=lab/jupyter_lab_config.py

* Serves this repository's root (the folder above ``lab/``), so the notebooks' links to
  ``../images``, ``../README.md`` and ``../benchmarks/RESULTS.md`` work, and opens the
  first notebook.
* Listens on 127.0.0.1 only, with token authentication (Jupyter's default; set
  ``JUPYTER_TOKEN`` to choose the token). A port that is taken is an error, never a
  silent move to another port.
* No news, no update check: nothing is fetched from the internet.
* The JupyterLab defaults in ``lab/settings/overrides.json`` apply (Markdown files open
  rendered); a learner's own JupyterLab settings still take precedence.
* Kernel messages go to the browser at once (:class:`PromptKernelWebsocket`), so a slider's
  new picture is not held back by TCP's small-packet delay.

The port and the browser are chosen on the command line (``make lab PORT=8890``).
"""

from pathlib import Path

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIRST_NOTEBOOK = "notebooks/01_pca_vs_autoencoders.ipynb"

c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)

c.ServerApp.root_dir = str(ROOT)
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port_retries = 0
c.LabApp.default_url = f"/lab/tree/{FIRST_NOTEBOOK}"
c.LabApp.app_settings_dir = str(HERE / "settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"


class PromptKernelWebsocket(ZMQChannelsWebsocketConnection):
    """The kernel's websocket with TCP_NODELAY: each message is sent when it is written.

    Tornado leaves Nagle's algorithm on for websockets, and Jupyter Server does not switch it
    off: a small message written while the previous one is not yet acknowledged waits for the
    browser's delayed acknowledgement (about 40 ms on Linux). A slider move is answered by
    three small messages (busy, the widget's echo, its new value), so the new picture arrived
    about 45 ms after the key press although the kernel had sent it within 2 ms.
    """

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


c.ServerApp.kernel_websocket_connection_class = PromptKernelWebsocket
