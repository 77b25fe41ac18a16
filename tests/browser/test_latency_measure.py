"""The browser latency benchmark's clock (benchmarks/browser_latency.py) sees a paint, and only a paint.

A plain page stands in for an explorer: a focused slider and an <img> that a key press
replaces with a new picture after a known delay. The measured key-press-to-paint times
must include that delay; with a page whose picture never changes, the measurement must
fail (NoPaint), not report a time. Needs Chromium (the ``browser`` fixture), no JupyterLab.
"""

import pytest

from benchmarks.browser_latency import NoPaint, measure_moves

DELAY_MS = 40

PAGE = """
<input id="slider" type="range" min="0" max="100" value="50">
<img id="picture" width="112" height="112">
<script>
  const img = document.getElementById('picture');
  let n = 0;
  const picture = () => {
    const c = document.createElement('canvas'); c.width = c.height = 28;
    const g = c.getContext('2d'); g.fillStyle = `rgb(${(n * 53) % 256}, 90, 160)`; g.fillRect(0, 0, 28, 28);
    return c.toDataURL();
  };
  img.src = picture();
  document.getElementById('slider').addEventListener('keydown', () => {
    if (CHANGES) setTimeout(() => { n += 1; img.src = picture(); }, DELAY);
  });
</script>
"""


def open_stand_in(browser, changes: bool):
    page = browser.new_page()
    page.set_content(PAGE.replace("CHANGES", "true" if changes else "false").replace("DELAY", str(DELAY_MS)))
    page.locator("#slider").focus()
    return page


def test_the_time_runs_from_the_key_press_to_the_new_picture_painted(browser):
    page = open_stand_in(browser, changes=True)
    try:
        times = measure_moves(page, page.locator("#picture"), "stand-in", ["ArrowRight", "ArrowLeft"] * 5)
    finally:
        page.close()
    assert len(times) == 10
    for t in times:
        assert t["arrive_ms"] >= DELAY_MS - 1, times  # the new src comes after the page's delay ...
        assert t["paint_ms"] >= t["arrive_ms"], times  # ... and is painted after it arrives
        assert t["paint_ms"] < DELAY_MS + 2000, times


def test_a_key_press_that_paints_nothing_is_an_error_not_a_time(browser):
    page = open_stand_in(browser, changes=False)
    try:
        with pytest.raises(NoPaint, match="painted no new picture"):
            measure_moves(page, page.locator("#picture"), "stand-in", ["ArrowRight"], timeout_s=2)
    finally:
        page.close()
