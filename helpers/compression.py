"""Bytes per image against reconstruction error: codes, image files and plain zlib, counted honestly.

A rate–distortion comparison is only fair when every method's bytes are counted the same way:
for each method, the bytes that carry the image and, separately, the file format around them
(headers, tables, chunk framing), so a 28 × 28 digit's JPEG or PNG file is not compared with a
bare 32-byte code as if both were the same thing. Used by notebook 07 (section 4, compression).
"""

from __future__ import annotations

import io
import math
import struct
import zlib

import numpy as np

from .imaging import as_digits

JPEG_SOS = 0xDA  # start of scan: the entropy-coded image data follow this segment
JPEG_EOI = b"\xff\xd9"


def _images_8bit(images) -> np.ndarray:
    """Images with values in [0, 1] (any shape ending in 784 or 28 × 28) as (n, 28, 28) uint8."""
    x = as_digits(images)
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"pixel values must lie in [0, 1], got {x.min():.3g} to {x.max():.3g}: divide 0-255 "
                         "images by 255 first")
    return (x * 255).round().astype(np.uint8)


def quantise(codes, low, high, bits: int = 8) -> np.ndarray:
    """Each code number rounded to one of ``2**bits`` levels between ``low`` and ``high`` (per dimension).

    ``low`` and ``high`` are the range of each code number, taken from the training codes; values
    outside it are clipped. Returns the de-quantised codes (what a decoder would receive), float32.
    """
    if not (isinstance(bits, int | np.integer) and 1 <= bits <= 16):
        raise ValueError(f"bits must be a whole number from 1 to 16, got {bits!r}")
    codes, low, high = (np.asarray(a, dtype=np.float64) for a in (codes, low, high))
    if np.any(high < low):
        raise ValueError("every high must be at least its low: pass the training codes' min and max")
    levels = 2**bits - 1
    span = np.where(high > low, high - low, 1.0)
    steps = np.round((np.clip(codes, low, high) - low) / span * levels)
    return (low + steps / levels * span).astype(np.float32)


def code_bytes(numbers: int, bits: int) -> int:
    """Bytes to store ``numbers`` code numbers of ``bits`` bits each, packed tightly (rounded up)."""
    if numbers < 1 or bits < 1:
        raise ValueError(f"numbers and bits must be positive, got {numbers} and {bits}")
    return math.ceil(numbers * bits / 8)


def jpeg_scan_bytes(data: bytes) -> int:
    """Bytes of a baseline JPEG file's entropy-coded image data (after the start-of-scan segment, before EOI).

    The rest of the file (markers, quantisation and Huffman tables, frame and scan headers) is
    container: the same kind of bytes for every image, whatever it shows.
    """
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG file: it does not start with the SOI marker FF D8")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError(f"malformed JPEG: expected a marker at byte {pos}")
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        pos += 2 + length
        if marker == JPEG_SOS:
            end = data.rfind(JPEG_EOI)
            if end < pos or data.find(b"\xff\xda", pos) != -1:
                raise ValueError("only single-scan (baseline) JPEG files are supported, not progressive ones")
            return end - pos
    raise ValueError("malformed JPEG: no start-of-scan segment found")


def png_data_bytes(data: bytes) -> int:
    """Bytes of a PNG file's compressed pixel data (the payload of its IDAT chunks).

    The rest (the 8-byte signature, the IHDR and IEND chunks, each chunk's length, type and CRC)
    is container.
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file: the 8-byte PNG signature is missing")
    pos, payload = 8, 0
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            payload += length
        pos += 12 + length  # length, type, data, CRC
    return payload


def pillow_files(images, fmt: str, **options) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each image saved as its own ``fmt`` file ("PNG" or "JPEG") with Pillow.

    Returns ``(file_bytes, data_bytes, decoded)``: each file's size, the part of it that is
    image data (JPEG: the scan; PNG: the IDAT payload), and the decoded images, shaped like
    ``images`` with values in [0, 1]. ``options`` go to ``Image.save`` (e.g. ``quality=50``).
    """
    from PIL import Image

    parts = {"JPEG": jpeg_scan_bytes, "PNG": png_data_bytes}
    if fmt not in parts:
        raise ValueError(f"fmt must be 'PNG' or 'JPEG', got {fmt!r}")
    shape = np.shape(images)
    sizes, data_sizes, decoded = [], [], []
    for image in _images_8bit(images):
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format=fmt, **options)
        data = buffer.getvalue()
        sizes.append(len(data))
        data_sizes.append(parts[fmt](data))
        decoded.append(np.asarray(Image.open(io.BytesIO(data)), np.float32) / 255)
    return np.array(sizes), np.array(data_sizes), np.stack(decoded).reshape(shape)


def zlib_bytes(images, together: bool = False, level: int = 9) -> float:
    """Mean bytes per image of the raw 8-bit pixels compressed with zlib (lossless).

    ``together=False``: each image compressed on its own (a 2-byte header and 4-byte checksum
    each). ``together=True``: all images as one stream, the total divided by their number (what
    compressing a whole file of digits gives, not what one digit costs on its own).
    """
    pixels = _images_8bit(images)
    if together:
        return len(zlib.compress(pixels.tobytes(), level)) / len(pixels)
    return float(np.mean([len(zlib.compress(p.tobytes(), level)) for p in pixels]))


def bytes_for_error(sizes, errors, target: float) -> float:
    """Bytes per image a method needs to reach the error ``target``, read off its measured points.

    ``sizes`` and ``errors`` are the method's points (bytes per image, error), in any order;
    between the two points that bracket ``target`` the bytes are interpolated on a log scale.
    If even the method's cheapest point is at or below ``target``, that point's bytes (an upper
    bound: the method may need fewer). NaN when no point gets that low.
    """
    order = np.argsort(np.asarray(sizes, dtype=float))
    sizes, errors = np.asarray(sizes, float)[order], np.asarray(errors, float)[order]
    if len(sizes) != len(errors) or len(sizes) == 0:
        raise ValueError("sizes and errors must be two lists of the same, non-zero length")
    for (s0, e0), (s1, e1) in zip(zip(sizes, errors, strict=True), zip(sizes[1:], errors[1:], strict=True),
                                  strict=False):
        if min(e0, e1) <= target <= max(e0, e1):
            if e0 == e1:
                return float(s0)
            t = (e0 - target) / (e0 - e1)
            return float(np.exp(np.log(s0) + t * (np.log(s1) - np.log(s0))))
    return float(sizes[0]) if errors[0] <= target else float("nan")
