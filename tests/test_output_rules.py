"""The clean-output rules (tests/output_rules.py); tests/test_claims_check.py runs the nbval hook that applies them."""

from pathlib import Path

import pytest

from tests.output_rules import problems, silenced_by_semicolon

ROOT = Path(__file__).resolve().parents[1]


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def result(data, kind="execute_result"):
    return {"output_type": kind, "data": data, "metadata": {}}


def test_lesson_outputs_are_clean():
    outputs = [
        stream("Full mode: all the data and the full number of epochs.\n"),
        stream("a warning sign for the learner: the error went up\n"),
        result({"text/plain": "<IPython.core.display.Markdown object>", "text/markdown": "| a | b |"}),
        result({"text/plain": "<Figure size 640x480 with 1 Axes>", "image/png": "iVBOR"}, "display_data"),
        result({"text/plain": "<Explorer>", "image/png": "iVBOR",
                "application/vnd.jupyter.widget-view+json": {}}),
    ]
    assert problems(outputs) == []


@pytest.mark.parametrize("output, expected", [
    (stream("WARNING:tensorflow:5 out of the last 5 calls to <function f> triggered tf.function "
            "retracing.\n", "stderr"), "stderr stream"),
    (stream("WARNING:absl:Compiled the loaded model, but the compiled metrics have yet to be built\n"),
     "warning in printed text"),
    (stream("x.py:3: UserWarning: the default will change\n"), "warning in printed text"),
    (result({"text/plain": "x", "text/html": "<pre>5 out of the last 5 calls triggered retracing</pre>"},
            "display_data"), "warning in HTML"),
    (stream("labels [np.int64(0), np.int64(3)]\n"), "NumPy repr"),
    (result({"text/plain": "np.float64(2.5)", "text/html": "<b>2.5</b>"}), "NumPy repr"),
    (result({"text/plain": "42"}), "stray return value"),
    (result({"text/plain": "{'notebook': '02', 'name': 'x'}"}), "stray return value"),
    (result({"text/plain": "<Figure size 640x480 with 1 Axes>"}, "display_data"), "bare object repr"),
    (result({"text/plain": "<helpers.explore.Explorer object at 0x7f00aa>"}, "display_data"),
     "bare object repr"),
    ({"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []}, "error output"),
])
def test_each_kind_of_noise_is_caught(output, expected):
    found = problems([output])
    assert found and expected in found[0], found


@pytest.mark.parametrize("source, quiet", [
    ("ax.legend();", True),
    ("fig.tight_layout();  # tidy", True),
    ("a = 1\nmodel.fit(x, x);\n\n", True),
    ("ax.legend()", False),
    ("x = {'a': 1};\nx", False),
    ("print('a;')", False),
    ("", False),
    (None, False),
])
def test_a_trailing_semicolon_silences_the_return_value(source, quiet):
    assert silenced_by_semicolon(source) is quiet
    stray = [result({"text/plain": "<matplotlib.legend.Legend at 0x7f>"})]
    assert (problems(stray, source) == []) is quiet
