"""The model cache (helpers/cache.py) through training.fit: a model is reused only when it was
trained the same way, a broken entry is retrained with a notice, writes are atomic."""

import json
import multiprocessing
import os
import time

import keras
import numpy as np
import pytest

from helpers import cache, training

X = np.random.default_rng(0).random((64, 8), dtype=np.float32)


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    """A fresh store per test, switched on whatever the environment says (make test switches it off)."""
    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("AE_CACHE", "1")
    monkeypatch.delenv("AE_RETRAIN", raising=False)
    return tmp_path / "models"


def tiny(lr=1e-2, seed=1, units=2):
    training.set_seed(seed)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(8)])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    return model


def train(model, x=X, epochs=2, batch_size=16, **kwargs):
    return training.fit(model, x, x, epochs=epochs, batch_size=batch_size, live=False, **kwargs)


def same_weights(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights(), strict=True))


def test_the_same_training_is_reused_with_its_history(store, capsys):
    first = tiny()
    trained = train(first, name="tiny")
    assert not trained.reused
    capsys.readouterr()
    second = tiny()
    reused = train(second, name="tiny")
    out = capsys.readouterr().out
    assert reused.reused and same_weights(first, second)
    assert reused.logs == trained.logs and reused.epoch_seconds == trained.epoch_seconds
    assert reused.history["loss"] == [log["loss"] for log in trained.logs]
    notice = [line for line in out.splitlines() if "reused" in line]
    assert len(notice) == 1 and "AE_RETRAIN=1" in notice[0] and "2 epochs" in notice[0]
    assert out.count("epoch 2/2") == 1  # the stored epochs are shown again
    assert cache.summary()["entries"] == 1


@pytest.mark.parametrize("change", ["learning rate", "epochs", "batch size", "seed", "architecture"])
def test_a_changed_hyperparameter_trains_again(change):
    train(tiny())
    model = tiny(lr=5e-3) if change == "learning rate" else tiny(seed=2) if change == "seed" \
        else tiny(units=3) if change == "architecture" else tiny()
    again = train(model, epochs=3 if change == "epochs" else 2, batch_size=8 if change == "batch size" else 16)
    assert not again.reused
    assert cache.summary()["entries"] == 2


def test_different_data_trains_again():
    train(tiny())
    other = X.copy()
    other[0, 0] += 1e-3  # one pixel of one image
    assert not train(tiny(), x=other).reused
    assert not train(tiny(), x=X[:32]).reused
    assert not train(tiny(), x=X.astype(np.float64)).reused
    assert train(tiny(), x=X.copy()).reused  # the same bytes in another array: the same data


def entry_folder(store):
    (folder,) = [p for p in store.iterdir() if not p.name.startswith(cache.TMP_PREFIX)]
    return folder


def truncate(folder):
    weights = folder / cache.WEIGHTS
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])


def other_format(folder):
    meta = json.loads((folder / cache.META).read_text())
    (folder / cache.META).write_text(json.dumps({**meta, "format": cache.FORMAT + 1}))


CORRUPTIONS = {
    "truncated weights": (truncate, "checksum"),
    "no metadata (killed mid-write)": (lambda f: (f / cache.META).unlink(), "missing"),
    "garbled metadata": (lambda f: (f / cache.META).write_bytes(b"\x00{not json"), "unreadable"),
    "another format version": (other_format, "another format"),
    "weights missing": (lambda f: (f / cache.WEIGHTS).unlink(), "missing or unreadable"),
}


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_a_broken_entry_is_detected(store, how):
    cache.write("a" * 64, lambda p: open(p, "wb").write(b"weights" * 100), {"logs": []})
    damage, words = CORRUPTIONS[how]
    damage(entry_folder(store))
    with pytest.raises(cache.BrokenEntry, match=words):
        cache.read("a" * 64)


def test_a_corrupt_entry_retrains_with_a_notice(store, capsys):
    trained_model = tiny()
    train(trained_model)
    truncate(entry_folder(store))
    capsys.readouterr()
    model = tiny()
    again = train(model)
    out = capsys.readouterr().out
    assert not again.reused and same_weights(model, trained_model)
    assert [line for line in out.splitlines() if "ignored" in line] == [
        "cached model ignored: model.weights.h5 does not match its checksum (truncated or changed); "
        "training it again"]
    assert cache.read(entry_folder(store).name) is not None  # written again, complete
    assert train(tiny()).reused


def test_retrain_requested_trains_again_and_replaces_the_entry(store, monkeypatch, capsys):
    train(tiny())
    monkeypatch.setenv("AE_RETRAIN", "1")
    capsys.readouterr()
    assert not train(tiny()).reused
    assert "AE_RETRAIN=1" in capsys.readouterr().out
    monkeypatch.delenv("AE_RETRAIN")
    assert train(tiny()).reused and cache.summary()["entries"] == 1


def test_a_disabled_cache_trains_and_stores_nothing(store, monkeypatch, capsys):
    monkeypatch.setenv("AE_CACHE", "0")
    assert not train(tiny()).reused
    assert not train(tiny()).reused
    assert "AE_CACHE=0" in capsys.readouterr().out
    assert not store.exists() or not any(store.iterdir())


def test_a_failed_write_keeps_the_trained_model(store, monkeypatch, capsys):
    def full_disk(path):
        raise OSError(28, "No space left on device")

    model, reference = tiny(), tiny()
    monkeypatch.setattr(model, "save_weights", full_disk)
    progress = train(model)
    out = capsys.readouterr().out
    assert "could not store the trained model" in out and "No space left" in out
    assert not progress.reused and not same_weights(model, reference)  # trained, and kept
    assert not any(store.iterdir())  # no partial entry left behind


def test_the_store_is_outside_the_repository_and_movable(monkeypatch, tmp_path):
    monkeypatch.delenv("AE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == tmp_path / "xdg" / "autoencoders-course" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.directory() == cache.Path.home() / ".cache" / "autoencoders-course" / "models"
    monkeypatch.setenv("AE_CACHE", "maybe")
    with pytest.raises(ValueError, match="AE_CACHE=1 or AE_CACHE=0"):
        cache.enabled()


def test_clear_removes_only_the_course_entries(store):
    cache.write("b" * 64, lambda p: open(p, "wb").write(b"w" * 1000), {"logs": []})
    (store / "notes.txt").write_text("someone else's file")
    before = cache.clear()
    assert before["entries"] == 1 and before["bytes"] > 1000
    assert [p.name for p in store.iterdir()] == ["notes.txt"]


def _slow_writer(folder, k, label, barrier):
    def save(path):
        with open(path, "wb") as f:
            for _ in range(20):
                f.write(label * 50_000)
                f.flush()
                time.sleep(0.005)

    barrier.wait()
    cache.write(k, save, {"writer": label.decode()}, folder)


def test_two_writers_of_the_same_entry_leave_one_complete_entry(store):
    k = "c" * 64
    ctx = multiprocessing.get_context("fork")
    for _ in range(3):
        cache.remove(k, store)
        barrier = ctx.Barrier(2)
        writers = [ctx.Process(target=_slow_writer, args=(store, k, label, barrier)) for label in (b"A", b"B")]
        for w in writers:
            w.start()
        for w in writers:
            w.join(30)
        assert [w.exitcode for w in writers] == [0, 0]
        entry = cache.read(k, store)
        label = entry.meta["writer"].encode()
        assert entry.weights.read_bytes() == label * 1_000_000
        assert [p.name for p in store.iterdir()] == [k]  # no temporary folder left


def _killed_writer(folder, k):
    def save(path):
        with open(path, "wb") as f:
            f.write(b"half")
            f.flush()
        os.kill(os.getpid(), 9)

    cache.write(k, save, {}, folder)


def test_a_writer_killed_mid_write_leaves_no_entry(store):
    k = "d" * 64
    writer = multiprocessing.get_context("fork").Process(target=_killed_writer, args=(store, k))
    writer.start()
    writer.join(30)
    assert writer.exitcode == -9
    assert cache.read(k, store) is None  # only a temporary folder, never read as an entry
    cache.write(k, lambda p: open(p, "wb").write(b"whole"), {}, store)
    assert cache.read(k, store).weights.read_bytes() == b"whole"


def test_a_subclassed_model_with_its_own_train_step_is_reused():
    class Twice(keras.Model):  # like notebook 06's VAE: weights in sub-models, never marked built by fit
        def __init__(self, inner, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.inner, self.scale = inner, scale

        def call(self, x):
            return self.inner(x)

        def train_step(self, x):
            import tensorflow as tf

            with tf.GradientTape() as tape:
                loss = keras.ops.mean((self.inner(x) - x) ** 2) * self.scale
            self.optimizer.apply(tape.gradient(loss, self.trainable_weights), self.trainable_weights)
            return {"loss": loss}

    def build(scale):
        training.set_seed(3)
        model = Twice(tiny(), scale)
        model.compile(optimizer=keras.optimizers.Adam(1e-2))
        return model

    first = build(1.0)
    assert not training.fit(first, X, epochs=1, batch_size=16, live=False).reused
    second = build(1.0)
    assert training.fit(second, X, epochs=1, batch_size=16, live=False).reused
    assert same_weights(first, second)
    assert not training.fit(build(2.0), X, epochs=1, batch_size=16, live=False).reused


NOISE = {"gaussian": 0.5}


class Noisy(keras.utils.PyDataset):  # like notebook 05's NoisyDigits: reads a global table
    def __init__(self, x, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.x, self.seed = x, seed

    def __len__(self):
        return 2

    def __getitem__(self, i):
        part = self.x[i * 32:(i + 1) * 32]
        return part + NOISE["gaussian"] * np.random.default_rng([self.seed, i]).random(part.shape), part


def test_the_key_covers_a_data_class_its_seed_and_the_tables_it_reads(monkeypatch):
    from helpers import fingerprint

    model = tiny()

    def key(data):
        return cache.key(fingerprint.training_key_parts(model, data, None, None, 1, None, True, [], {}))

    before = key(Noisy(X))
    assert key(Noisy(X)) == before
    assert key(Noisy(X, seed=1)) != before
    monkeypatch.setitem(NOISE, "gaussian", 0.6)
    assert key(Noisy(X)) != before


def test_slow_deterministic_work_is_remembered_like_a_model(capsys):
    from sklearn.decomposition import PCA

    first = cache.remembered(PCA(2, random_state=0).fit_transform, X, what="PCA map")
    again = cache.remembered(PCA(2, random_state=0).fit_transform, X, what="PCA map")
    assert np.array_equal(first, again) and "PCA map: reused the result" in capsys.readouterr().out
    cache.remembered(PCA(3, random_state=0).fit_transform, X, what="PCA map")  # another setting
    cache.remembered(PCA(2, random_state=0).fit_transform, X[:32], what="PCA map")  # other inputs
    assert "reused" not in capsys.readouterr().out


def test_a_reused_model_leaves_the_random_state_as_training_would(capsys):
    def sampled():  # training moves the dropout layer's seed generator on, as a VAE's sampling layer
        training.set_seed(5)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dropout(0.5), keras.layers.Dense(8)])
        model.compile(optimizer="adam", loss="mse")
        training.fit(model, X, X, epochs=1, batch_size=16, live=False)
        return (np.random.random(3), keras.random.normal((3,)).numpy(),  # what the next cells would draw
                model(X[:4], training=True).numpy())

    assert all(np.array_equal(a, b) for a, b in zip(sampled(), sampled(), strict=True))
    assert "reused" in capsys.readouterr().out


# what a notebook's scoring function looks like: it reads a model and a setting from the globals
SCORED_MODEL = None
SCALE = 2.0


def _score(x):
    return {"error": float(np.square(SCORED_MODEL(x).numpy() - x).sum(axis=1).mean()) * SCALE, "n": len(x)}


def test_a_score_of_a_model_is_remembered_until_the_model_or_what_it_reads_changes(capsys, monkeypatch):
    monkeypatch.setattr(__import__(__name__), "SCORED_MODEL", tiny())
    first = cache.remembered(_score, X, what="score")
    assert isinstance(first, dict) and first["n"] == len(X)
    again = cache.remembered(_score, X, what="score")
    assert again == first and "score: reused the result" in capsys.readouterr().out  # exact floats, from JSON

    train(SCORED_MODEL, epochs=1)  # the global model's weights change: the old score must not come back
    after_training = cache.remembered(_score, X, what="score")
    assert "reused" not in capsys.readouterr().out and after_training != first
    monkeypatch.setattr(__import__(__name__), "SCALE", 3.0)  # a setting the function reads
    cache.remembered(_score, X, what="score")
    assert "reused" not in capsys.readouterr().out


def test_a_model_passed_as_an_input_is_keyed_by_its_weights(capsys):
    def error(model, x):
        return metrics_error(model, x)

    model = tiny()
    first = cache.remembered(error, model, X, what="error")
    assert cache.remembered(error, model, X, what="error") == first and "reused" in capsys.readouterr().out
    model.set_weights([w + 0.1 for w in model.get_weights()])
    assert cache.remembered(error, model, X, what="error") != first and "reused" not in capsys.readouterr().out


def metrics_error(model, x):
    from helpers import metrics

    return metrics.evaluate(model, x)


def test_what_the_key_cannot_see_is_computed_afresh_and_said(capsys, tmp_path):
    handle = open(tmp_path / "f.txt", "w")  # an open file: the key cannot describe what it will hold

    def reads_a_file(x):
        return float(x.sum()) + (0.0 if handle.closed else 1.0)

    for _ in range(2):
        assert cache.remembered(reads_a_file, X, what="odd") == float(X.sum()) + 1.0
        assert "odd: not cached" in capsys.readouterr().out
    handle.close()


def test_a_result_the_store_cannot_keep_is_returned_and_said(capsys):
    class Table:  # e.g. a DataFrame: not plain data
        pass

    table = Table()
    assert cache.remembered(lambda x: table, X, what="table") is table
    assert "table: not cached (the result holds a Table" in capsys.readouterr().out
    assert cache.remembered(lambda x: table, X, what="table") is table  # nothing stored, computed again
