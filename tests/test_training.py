"""helpers.training.Progress: the progress callback passed to model.fit."""

import time

import keras
import numpy as np
import pytest

from helpers import training


def tiny_model():
    inputs = keras.Input((8,))
    model = keras.Model(inputs, keras.layers.Dense(8)(keras.layers.Dense(3, activation="relu")(inputs)))
    model.compile(optimizer="adam", loss="mse")
    return model


def test_progress_prints_one_line_per_epoch(capsys):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((64, 8)).astype("float32")
    progress = training.Progress(live=False)
    model = tiny_model()
    start = time.perf_counter()
    history = model.fit(x, x, epochs=3, batch_size=16, verbose=0, validation_data=(x, x), callbacks=[progress])
    wall = time.perf_counter() - start
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3") and "val_loss" in lines[0]
    # each epoch timed separately (not cumulative): together they fit inside the call to fit
    assert len(progress.epoch_seconds) == 3 and all(s > 0 for s in progress.epoch_seconds)
    assert progress.seconds <= wall
    # the logged metrics are the ones Keras reported for each epoch, in order
    for name in ("loss", "val_loss"):
        assert [log[name] for log in progress.logs] == pytest.approx(history.history[name], rel=1e-6)
    assert f"loss {history.history['loss'][-1]:.4g}" in lines[-1]


def test_progress_notebook_view_shows_bar_and_curve():
    progress = training.Progress(unit="squared error per image", live=False)
    progress._total = 4
    progress.logs = [{"loss": 30.0, "val_loss": 31.0}, {"loss": 20.0, "val_loss": 22.0}]
    progress.epoch_seconds = [1.0, 1.0]
    html = progress._html().data
    assert '<progress value="2" max="4"' in html
    assert "epoch 2/4" in html and "to go" in html and "val_loss 22" in html
    assert "data:image/png;base64," in html


def test_progress_names_the_model_in_every_line_and_the_live_view(capsys):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((32, 8)).astype("float32")
    progress = training.Progress(live=False, name="β = 4")
    tiny_model().fit(x, x, epochs=2, batch_size=16, verbose=0, callbacks=[progress])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("β = 4: epoch ") for line in lines), lines
    assert "β = 4: epoch 2/2" in progress._html().data
    assert progress._curve_figure().axes[0].get_title() == "β = 4"
    with pytest.raises(ValueError, match="name"):
        training.Progress(name="  ")


@pytest.mark.parametrize("n_epochs", [2, 3, 7, 40])
def test_progress_curve_ticks_are_whole_epochs(n_epochs):
    progress = training.Progress(live=False)
    progress._total = n_epochs
    progress.logs = [{"loss": 10.0 - i / n_epochs, "val_loss": 11.0} for i in range(n_epochs)]
    progress.epoch_seconds = [1.0] * n_epochs
    fig = progress._curve_figure()
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), f"epoch ticks {ticks}"


def test_not_in_notebook_here():
    assert training.in_notebook() is False
