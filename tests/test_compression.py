"""helpers.compression: quantised codes, JPEG/PNG files split into image data and container, zlib."""

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from helpers import compression


@pytest.fixture
def digits():
    rng = np.random.default_rng(0)
    x = np.zeros((6, 28, 28), np.float32)
    for i, image in enumerate(x):  # a thick bar per image, at different places, plus a little noise
        image[4 + i:14 + i, 8:20] = 1.0
    return np.clip(x + rng.uniform(0, 0.2, x.shape) * (x > 0), 0, 1).reshape(6, 784)


def test_quantise_uses_exactly_the_levels_asked_for_and_clips_to_the_range():
    codes = np.linspace(-1, 2, 1000)[:, None]
    out = compression.quantise(codes, np.array([0.0]), np.array([1.0]), bits=3)
    assert sorted(np.unique(out)) == pytest.approx(np.arange(8) / 7)
    assert out.min() == 0 and out.max() == 1
    fine = compression.quantise(codes, np.array([-1.0]), np.array([2.0]), bits=8)
    assert np.max(np.abs(fine - codes)) <= 3 / 255 / 2 + 1e-6
    assert [compression.code_bytes(32, b) for b in (8, 4, 3)] == [32, 16, 12]  # packed tightly
    assert compression.code_bytes(5, 3) == 2


@pytest.mark.parametrize("bits", [0, 17, 2.5])
def test_quantise_rejects_bad_bit_depths(bits):
    with pytest.raises(ValueError, match="bits"):
        compression.quantise(np.zeros((1, 2)), np.zeros(2), np.ones(2), bits=bits)


def test_jpeg_split_into_scan_data_and_container(digits):
    sizes, scan, decoded = compression.pillow_files(digits, "JPEG", quality=50)
    assert decoded.shape == digits.shape
    assert np.all(scan > 0) and np.all(scan < sizes)
    container = sizes - scan
    assert container.max() - container.min() < 10  # tables and headers: about the same for every image
    # the scan is exactly the bytes between the start-of-scan segment and the end marker
    buffer = io.BytesIO()
    Image.fromarray((digits[0].reshape(28, 28) * 255).round().astype(np.uint8)).save(buffer, "JPEG", quality=50)
    data = buffer.getvalue()
    sos = data.index(b"\xff\xda")
    header_end = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    assert compression.jpeg_scan_bytes(data) == len(data) - 2 - header_end


def test_png_data_is_the_zlib_stream_and_png_is_lossless(digits):
    sizes, data_bytes, decoded = compression.pillow_files(digits, "PNG", optimize=True)
    assert np.array_equal(decoded, (digits * 255).round() / 255)
    buffer = io.BytesIO()
    Image.fromarray((digits[0].reshape(28, 28) * 255).round().astype(np.uint8)).save(buffer, "PNG")
    data = buffer.getvalue()
    start = data.index(b"IDAT") + 4
    payload = data[start:start + compression.png_data_bytes(data)]
    assert len(zlib.decompress(payload)) == 28 * 29  # each row: a filter byte and 28 pixels
    assert np.all(sizes - data_bytes >= 8 + 25 + 12 + 12)  # signature, IHDR, IDAT framing, IEND


def test_not_a_file_of_that_format_nor_images_outside_0_1_are_accepted(digits):
    with pytest.raises(ValueError, match="not a JPEG"):
        compression.jpeg_scan_bytes(b"\x89PNG\r\n\x1a\n....")
    with pytest.raises(ValueError, match="not a PNG"):
        compression.png_data_bytes(b"\xff\xd8\xff\xe0")
    with pytest.raises(ValueError, match="'PNG' or 'JPEG'"):
        compression.pillow_files(np.zeros((1, 784)), "GIF")
    with pytest.raises(ValueError, match="divide 0-255"):
        compression.zlib_bytes(digits * 255)
    with pytest.raises(ValueError, match="28 x 28 images"):
        compression.zlib_bytes(np.zeros((2, 100)))


def test_zlib_together_shares_what_single_images_repeat(digits):
    each, together = compression.zlib_bytes(digits), compression.zlib_bytes(digits, together=True)
    assert each == np.mean([len(zlib.compress((d * 255).round().astype(np.uint8).tobytes(), 9)) for d in digits])
    assert together < each


def test_bytes_for_error_interpolates_between_bracketing_points():
    sizes, errors = [10, 20, 40], [9.0, 5.0, 1.0]
    assert compression.bytes_for_error(sizes, errors, 5.0) == pytest.approx(20)
    assert 20 < compression.bytes_for_error(sizes[::-1], errors[::-1], 3.0) < 40
    assert np.isnan(compression.bytes_for_error(sizes, errors, 0.5))
    assert compression.bytes_for_error(sizes, errors, 12.0) == 10  # the cheapest point already gets there
