"""The on-disk store of trained models, so a model is trained once and reused afterwards.

:func:`helpers.training.fit` is what notebooks call; this module only keeps the
entries. An entry is a folder named after its key (a SHA-256 of everything that
changes the trained result, computed by ``training.fit``) holding
``model.weights.h5`` (weights only) and ``entry.json`` (format version, the
training history, date, seconds and the SHA-256 of the weights file).

Where: ``$AE_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/autoencoders-course/models``,
else ``~/.cache/autoencoders-course/models``; never inside the repository.
``AE_CACHE=0`` switches the store off (every model trains), ``AE_RETRAIN=1`` trains
every model again and replaces its entry.

Never a wrong model: an entry whose files are missing, unreadable, of another format
version or whose weights do not match their checksum is reported as broken (one
line saying why), removed, and the model trains again. Writes are atomic: an entry is
written into a temporary folder beside the others and renamed into place in one
step, so a kernel killed mid-write leaves no entry (only a temporary folder that the
next write of the same key or ``make clean-cache`` removes), and two kernels writing
the same entry at once leave one complete entry. A failed write (a full disk) is
reported and leaves the trained model in memory untouched.

The notebooks' trained models reach this store through ``training.fit``; slow
deterministic work beside them (03's t-SNE map, 06's likelihood estimate, 05's noise
sweep) and 04's measured training times through :func:`remembered`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

FORMAT = 2  # bump when the layout of an entry changes: older entries are then retrained, not misread
DIR_VAR, SWITCH_VAR, RETRAIN_VAR = "AE_CACHE_DIR", "AE_CACHE", "AE_RETRAIN"
COURSE_DIR = "autoencoders-course"
WEIGHTS, META, RESULT, RESULT_JSON = "model.weights.h5", "entry.json", "result.npy", "result.json"
TMP_PREFIX = ".tmp-"
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name}={os.environ[name]!r} is not understood: use {name}=1 or {name}=0.")


def enabled() -> bool:
    """False when ``AE_CACHE=0`` switches the store off (the tests and ``make bench``'s training pass)."""
    return _flag(SWITCH_VAR, True)


def retrain_requested() -> bool:
    """True when ``AE_RETRAIN=1`` asks for every model to train again (its entry is replaced)."""
    return _flag(RETRAIN_VAR, False)


def directory() -> Path:
    """Where the entries live (see the module docstring); the folder may not exist yet."""
    moved = os.environ.get(DIR_VAR, "").strip()
    if moved:
        return Path(moved).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base).expanduser() if base else Path.home() / ".cache"
    return root / COURSE_DIR / "models"


def key(parts: dict) -> str:
    """The SHA-256 (hex) of ``parts`` written as canonical JSON (sorted keys)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Entry:
    """A complete, checked entry: where its weights are and what was stored with them."""

    path: Path
    meta: dict

    @property
    def weights(self) -> Path:
        """The stored file: the weights, or a remembered result (:func:`remembered`)."""
        return self.path / self.meta.get("file", WEIGHTS)


class BrokenEntry(Exception):
    """An entry that cannot be trusted; the message says why, in a few words."""


def entry_path(k: str, folder: Path | None = None) -> Path:
    return (folder or directory()) / k


def read(k: str, folder: Path | None = None) -> Entry | None:
    """The checked entry for key ``k``; None when there is none.

    Raises :class:`BrokenEntry` when one is there but cannot be trusted (missing or
    unreadable files, another format version, another key, a weights file that does
    not match its checksum).
    """
    path = entry_path(k, folder)
    if not path.exists():
        return None
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BrokenEntry(f"{META} is missing") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BrokenEntry(f"{META} is unreadable ({type(exc).__name__})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise BrokenEntry(f"written in another format (version {found!r}, this course reads {FORMAT})")
    if meta.get("key") != k:
        raise BrokenEntry("it belongs to another key")
    name = meta.get("file", WEIGHTS)
    if name not in (WEIGHTS, RESULT, RESULT_JSON):
        raise BrokenEntry(f"it names an unknown file {name!r}")
    try:
        checksum = file_sha256(path / name)
    except OSError as exc:
        raise BrokenEntry(f"{name} is missing or unreadable ({type(exc).__name__})") from exc
    if checksum != meta.get("weights_sha256"):
        raise BrokenEntry(f"{name} does not match its checksum (truncated or changed)")
    return Entry(path, meta)


def remove(k: str, folder: Path | None = None) -> None:
    """Remove the entry of key ``k`` (renamed aside first, so no reader sees half of it)."""
    path = entry_path(k, folder)
    if not path.exists():
        return
    aside = path.with_name(f"{TMP_PREFIX}{k}-gone-{os.getpid()}-{time.monotonic_ns()}")
    try:
        os.rename(path, aside)
    except OSError:
        return  # another kernel removed or replaced it meanwhile
    shutil.rmtree(aside, ignore_errors=True)


def write(k: str, save_weights, meta: dict, folder: Path | None = None, filename: str = WEIGHTS) -> Path:
    """Write an entry atomically and return its folder.

    ``save_weights(path)`` writes the weights file (``model.save_weights``). ``meta`` is
    stored with the format version, the key and the weights' checksum. When another
    kernel put a complete entry for ``k`` in place meanwhile, that one is kept. Raises
    ``OSError`` (a full disk, no permission); the partial folder is removed either way.
    """
    folder = folder or directory()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{k}-", dir=folder))
    try:
        save_weights(str(tmp / filename))
        with open(tmp / filename, "rb") as f:
            os.fsync(f.fileno())
        full = {**meta, "format": FORMAT, "key": k, "file": filename, "weights_sha256": file_sha256(tmp / filename)}
        with open(tmp / META, "w", encoding="utf-8") as f:
            json.dump(full, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        target = entry_path(k, folder)
        try:
            os.rename(tmp, target)  # atomic; fails if a (non-empty) entry is already there
        except OSError:
            try:
                read(k, folder)  # another kernel's complete entry: keep it
            except BrokenEntry:
                remove(k, folder)
                os.rename(tmp, target)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        return target
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remembered(compute, *inputs, what: str):
    """``compute(*inputs)``, computed once and then read from the store.

    For slow deterministic work beside training, e.g. notebook 03's t-SNE map,
    ``cache.remembered(TSNE(..., random_state=0).fit_transform, codes, what="t-SNE map")``,
    or a score of trained models, ``cache.remembered(iwae_nll, vae, x, 500, what="IWAE NLL")``.
    The key covers what decides the result (:func:`helpers.fingerprint.computation`):
    ``compute``'s code and settings, everything it reads (a notebook function's globals
    followed through the functions it calls; a Keras model with its current weights), the
    inputs, and the library versions. Something it cannot describe: computed afresh, with
    a line saying why. The result is an array, or plain data (numbers, strings, lists and
    dicts of them; tuples come back as lists). The same switches as for models apply
    (``AE_CACHE=0``, ``AE_RETRAIN=1``); a broken entry is recomputed.

    A measured time kept this way is the time measured then, and the line printed on
    reuse says so (the date and "set AE_RETRAIN=1 to compute it again").
    """
    import numpy as np

    from . import fingerprint

    k = None
    if enabled():
        try:
            k = key({"remembered": fingerprint.computation(compute, inputs),
                     "versions": fingerprint.versions(), "sklearn": _version("scikit-learn")})
        except fingerprint.Unkeyable as exc:
            print(f"{what}: not cached ({exc}); computed afresh", flush=True)
    if k is not None and not retrain_requested():
        try:
            entry = read(k)
            if entry is not None:
                result = np.load(entry.weights, allow_pickle=False) if entry.meta.get("file") == RESULT \
                    else json.loads(entry.weights.read_text(encoding="utf-8"))["result"]
                print(f"{what}: reused the result computed on {entry.meta.get('date', '?')} "
                      f"({entry.meta.get('seconds', 0):.0f} s then); set AE_RETRAIN=1 to compute it again", flush=True)
                return result
        except Exception as exc:
            reason = str(exc) if isinstance(exc, BrokenEntry) else f"it could not be read ({type(exc).__name__})"
            print(f"{what}: cached result ignored: {reason}; computing it again", flush=True)
            remove(k)
    start = time.perf_counter()
    result = compute(*inputs)
    if k is not None:
        import datetime

        meta = {"date": datetime.date.today().isoformat(), "seconds": time.perf_counter() - start, "what": what}
        try:
            if _is_array(result):
                result = np.asarray(result)
                write(k, lambda path: np.save(path, result, allow_pickle=False), meta, filename=RESULT)
            else:
                text = json.dumps({"result": _plain(result)}, allow_nan=True)
                result = json.loads(text)["result"]  # as a reuse will return it: lists, not tuples
                write(k, lambda path: Path(path).write_text(text, encoding="utf-8"), meta, filename=RESULT_JSON)
        except _NotPlain as exc:
            print(f"{what}: not cached (the result holds {exc}, which the store does not keep)", flush=True)
        except Exception as exc:
            print(f"{what}: could not store the result in the cache ({type(exc).__name__}: {exc})", flush=True)
    return result


class _NotPlain(Exception):
    pass


def _is_array(value) -> bool:
    import numpy as np

    return isinstance(value, np.ndarray) or (hasattr(value, "shape") and hasattr(value, "dtype")
                                             and not isinstance(value, np.generic))


def _plain(value):
    """``value`` as JSON data, exactly (floats keep all their digits); _NotPlain for anything else."""
    import numpy as np

    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic) and isinstance(value.item(), bool | int | float):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v) for k, v in value.items()}
    raise _NotPlain(f"a {type(value).__name__}")


def _version(name: str):
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def summary(folder: Path | None = None) -> dict:
    """Where the store is, how many complete entries it holds and their size on disk (bytes)."""
    folder = folder or directory()
    entries, size = 0, 0
    if folder.exists():
        for path in folder.iterdir():
            if path.is_dir() and (_ENTRY_NAME.fullmatch(path.name) or path.name.startswith(TMP_PREFIX)):
                size += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        entries = sum(1 for p in folder.iterdir() if p.is_dir() and _ENTRY_NAME.fullmatch(p.name))
    return {"path": str(folder), "entries": entries, "bytes": size}


def clear(folder: Path | None = None) -> dict:
    """Empty the store (only its own folder); return what :func:`summary` said before."""
    folder = folder or directory()
    before = summary(folder)
    if folder.exists():
        for path in folder.iterdir():  # only what this module writes: AE_CACHE_DIR may be a shared folder
            if path.is_dir() and (_ENTRY_NAME.fullmatch(path.name) or path.name.startswith(TMP_PREFIX)):
                shutil.rmtree(path, ignore_errors=True)
    return before


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


def main(argv=None) -> int:
    """``python -m helpers.cache size|clear`` (``make cache-size``, ``make clean-cache``)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args not in (["size"], ["clear"]):
        print("usage: python -m helpers.cache size|clear", file=sys.stderr)
        return 2
    if args == ["size"]:
        s = summary()
        state = "" if enabled() else f" (switched off by {SWITCH_VAR}=0)"
        print(f"Trained-model cache{state}: {s['path']}: {s['entries']} model(s), {_size(s['bytes'])}")
    else:
        s = clear()
        print(f"Removed {s['entries']} trained model(s), {_size(s['bytes'])}, from {s['path']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
