"""lab/jupyter_lab_config.py, read as `make lab` reads it: the kernel's websocket sends at once."""

from pathlib import Path

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]


def lab_config():
    return PyFileConfigLoader("jupyter_lab_config.py", path=str(ROOT / "lab")).load_config()


class Handler:
    """Stands in for the websocket handler: records set_nodelay."""

    def __init__(self):
        self.nodelay = []

    def set_nodelay(self, value):
        self.nodelay.append(value)


def test_the_kernel_websocket_switches_off_the_small_packet_delay(monkeypatch):
    # Without TCP_NODELAY a slider's answer waited ~40 ms for the browser's delayed ACK
    # (benchmarks/browser_latency.py measured it); the connection must set it before it connects.
    cls = lab_config().ServerApp.kernel_websocket_connection_class
    assert isinstance(cls, type) and issubclass(cls, ZMQChannelsWebsocketConnection)
    calls = []
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", lambda self: calls.append(self) or "connected")
    connection = cls.__new__(cls)
    handler = Handler()
    connection._trait_values["websocket_handler"] = handler
    assert connection.connect() == "connected"  # Jupyter Server's own connect still runs, its result kept
    assert handler.nodelay == [True] and calls == [connection]
