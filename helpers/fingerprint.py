"""Stable descriptions of what decides a training run's result, for the model cache's key.

:func:`training_key_parts` describes a compiled model and a ``fit`` call as plain JSON
data: the architecture (``to_json`` for Sequential and Functional models; for a
subclassed model, e.g. notebook 06's VAE, its classes' qualified names and method
sources, its sub-models and its own settings), the source of every custom layer
class, a hash of the weights it starts from (which covers the seed), loss, metrics,
the optimiser's configuration with its schedule (and its state, if it has trained
before), epochs, batch size, the callbacks, a fingerprint of the data actually used
(bytes, shape and dtype of each array), the dtype policy and the library versions.
Names Keras generates (``dense_7``) are replaced by their order, so re-running a cell
in the same kernel finds the same entry.

Anything it cannot describe faithfully raises :class:`Unkeyable`; ``training.fit`` then
trains without the cache and says why. Used only by :mod:`helpers.training`.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import platform
import random
import types
from importlib import metadata

import numpy as np

_LIBRARIES = ("tensorflow", "keras", "numpy")
_MAX_DEPTH = 8


class Unkeyable(Exception):
    """Something a training run depends on that cannot be described for the key."""


def array_fingerprint(a) -> dict:
    """SHA-256 of an array's bytes with its shape and dtype."""
    a = np.ascontiguousarray(np.asarray(a))
    if a.dtype == object:
        raise Unkeyable("an array of Python objects")
    return {"sha256": hashlib.sha256(a.view(np.uint8).reshape(-1) if a.size else b"").hexdigest(),
            "shape": list(a.shape), "dtype": str(a.dtype)}


def _is_array(obj) -> bool:
    if isinstance(obj, np.ndarray):
        return True
    module = type(obj).__module__ or ""
    return (module.startswith(("tensorflow", "keras")) and hasattr(obj, "shape") and hasattr(obj, "dtype")
            and hasattr(obj, "numpy"))


def _source(func) -> str:
    try:
        return inspect.getsource(func)
    except (OSError, TypeError):
        code = getattr(func, "__code__", None)
        if code is None:
            raise Unkeyable(f"the source of {getattr(func, '__qualname__', func)!r} is not available") from None
        return code.co_code.hex() + repr([c for c in code.co_consts if not isinstance(c, types.CodeType)])


def _data_globals(func) -> dict:
    """The plain data (numbers, strings, containers, arrays) a function reads from its module's
    globals, e.g. a notebook's ``TRAIN_NOISE`` table: changing it changes the function."""
    code, found = getattr(func, "__code__", None), {}
    if code is None:
        return found
    stack = [code]
    while stack:
        c = stack.pop()
        stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]
        for name in c.co_names:
            value = func.__globals__.get(name)
            if isinstance(value, types.ModuleType) and _course_module(value.__name__) and name not in found:
                found[name] = module_hash(value.__name__)  # e.g. data.corrupt inside a notebook's class
            elif isinstance(value, bool | int | float | str | tuple | list | dict | np.ndarray) and name not in found:
                try:
                    found[name] = describe(value)
                except Unkeyable:
                    found[name] = "<not describable>"
    return found


def _course_module(name: str) -> bool:
    return name == "helpers" or name.startswith("helpers.")


def module_hash(name: str) -> str:
    """SHA-256 of a course module's file (``helpers.data``): a changed helper, e.g. ``data.corrupt``
    or a loss in ``helpers.metrics``, never meets a model trained with the old one. Other course
    modules (plotting, claims, ...) do not enter the key."""
    import sys

    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    if not path:
        raise Unkeyable(f"the file of module {name} cannot be read")
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _own_code(cls) -> bool:
    module = cls.__module__ or ""
    return not module.startswith(("keras", "tensorflow", "builtins", "numpy", "abc", "typing", "sklearn", "scipy"))


def class_description(cls) -> dict:
    """Qualified name, and for the course's or a notebook's own classes the source of every method
    they define (through their whole hierarchy down to the library's classes)."""
    out = {"class": f"{cls.__module__}.{cls.__qualname__}"}
    methods = {}
    for klass in cls.__mro__:
        if not _own_code(klass):
            continue
        for name, member in vars(klass).items():
            func = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            if isinstance(func, types.FunctionType):
                methods[f"{klass.__qualname__}.{name}"] = [_source(func), _data_globals(func)]
    if methods:
        out["methods"] = methods
    return out


def describe(obj, depth: int = 0, seen=None):
    """``obj`` as JSON data that changes whenever ``obj`` would change a training run."""
    import keras

    seen = set() if seen is None else seen
    if depth > _MAX_DEPTH:
        raise Unkeyable("an object nested too deeply to describe")
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        return repr(obj)  # keeps nan and inf apart from each other and JSON-safe
    if isinstance(obj, np.generic):
        return describe(obj.item(), depth, seen)
    if _is_array(obj):
        return array_fingerprint(obj)
    if id(obj) in seen:
        return "<seen>"
    seen = seen | {id(obj)}
    if isinstance(obj, list | tuple):
        return [describe(o, depth + 1, seen) for o in obj]
    if isinstance(obj, dict):
        return {str(k): describe(v, depth + 1, seen) for k, v in obj.items()}
    if isinstance(obj, keras.Model):
        return model_description(obj)
    if isinstance(obj, types.FunctionType | types.MethodType | types.BuiltinFunctionType):
        func = getattr(obj, "__func__", obj)
        plain = isinstance(func, types.FunctionType)
        return {"function": f"{func.__module__}.{func.__qualname__}",
                "source": _source(func) if plain else None, "globals": _data_globals(func) if plain else None,
                "module": module_hash(func.__module__) if _course_module(func.__module__ or "") else None}
    if isinstance(obj, np.random.Generator):
        return {"generator": describe(obj.bit_generator.state, depth + 1, seen)}
    if isinstance(obj, range | slice):
        return {"repr": repr(obj)}
    if isinstance(obj, type):
        return class_description(obj)
    out = class_description(type(obj))
    if hasattr(obj, "get_config") and not isinstance(obj, keras.callbacks.Callback):
        try:
            out["config"] = describe(obj.get_config(), depth + 1, seen)
            return out
        except NotImplementedError:
            pass
    state = {k: v for k, v in vars(obj).items() if not k.startswith("_") and k != "model"} \
        if hasattr(obj, "__dict__") else None
    if state is None:
        raise Unkeyable(f"an object of type {type(obj).__qualname__} whose state cannot be read")
    return {**out, "state": describe(state, depth + 1, seen)}


def _layers(model) -> list:
    try:
        return list(model._flatten_layers(include_self=False, recursive=True))
    except AttributeError:  # pragma: no cover - Keras without the private walk
        return list(getattr(model, "layers", []))


def _rename(value, names: dict):
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _rename(v, names) for k, v in value.items()}
    return value


_BASE_ATTRIBUTES: set[str] | None = None


def model_description(model) -> dict:
    """Architecture of ``model`` with Keras' generated layer names replaced by their order."""
    import keras

    global _BASE_ATTRIBUTES
    layers = _layers(model)
    names = {}
    for layer in [model, *layers]:
        names.setdefault(layer.name, f"layer{len(names)}")
    out = {"class": class_description(type(model))}
    try:
        out["json"] = _rename(_json_config(model), names)
    except (NotImplementedError, TypeError, ValueError):
        out["json"] = None
    out["custom_layers"] = sorted({repr(class_description(type(layer))) for layer in layers
                                   if _own_code(type(layer))})
    if out["json"] is None:  # subclassed: its sub-models and settings
        if _BASE_ATTRIBUTES is None:
            _BASE_ATTRIBUTES = set(vars(keras.Model()))
        own = {}
        for name, value in vars(model).items():
            if name.startswith("_") or name in _BASE_ATTRIBUTES:
                continue
            if isinstance(value, keras.Layer):
                own[name] = model_description(value) if isinstance(value, keras.Model) \
                    else _rename(describe(value), names)
            elif isinstance(value, bool | int | float | str | type(None) | list | tuple):
                own[name] = describe(value)
        out["attributes"] = own
    return out


def _json_config(model):
    import json

    config = json.loads(model.to_json())
    config.pop("compile_config", None)  # described on its own (loss, metrics, optimizer)
    return config


def weights_hash(variables) -> str:
    """SHA-256 of the variables' values, shapes and dtypes, in order (their names are left out)."""
    digest = hashlib.sha256()
    for v in variables:
        a = np.ascontiguousarray(np.asarray(v.numpy() if hasattr(v, "numpy") else v))
        digest.update(f"{a.shape}{a.dtype}".encode())
        digest.update(a.view(np.uint8).reshape(-1) if a.size else b"")
    return digest.hexdigest()


def _without_name(description: dict) -> dict:
    """An optimizer's description without the name Keras numbers per kernel (adam, adam_1, ...)."""
    config = description.get("config")
    if isinstance(config, dict):
        description["config"] = {k: v for k, v in config.items() if k != "name"}
    return description


def versions() -> dict:
    from . import __version__

    found = {"course": __version__, "python": ".".join(platform.python_version_tuple()[:2])}
    for name in _LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def training_key_parts(model, x, y, validation_data, epochs, batch_size, shuffle, callbacks, fit_options) -> dict:
    """Everything that decides the result of ``model.fit(x, y, ...)`` (see the module docstring)."""
    import keras

    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise Unkeyable("the model is not compiled")
    compile_config = getattr(getattr(model, "_compile_config", None), "config", None) or {}
    optimizer = model.optimizer
    parts = {
        "model": model_description(model),
        "initial_weights": weights_hash(model.weights),
        "compile": describe({k: v for k, v in compile_config.items() if k != "optimizer"}),
        "optimizer": _without_name(describe(optimizer)),
        "optimizer_state": weights_hash(optimizer.variables) if optimizer.built else None,
        "fit": {"epochs": epochs, "batch_size": batch_size, "shuffle": describe(shuffle),
                "callbacks": describe(list(callbacks)), "options": describe(fit_options)},
        "data": {"x": describe(x), "y": describe(y), "validation": describe(validation_data)},
        "dtype_policy": keras.config.dtype_policy().name,
        "versions": versions(),
    }
    if not model.weights:  # not built yet: its weights will come from the random state
        parts["random_state"] = hashlib.sha256(repr(random.getstate()).encode()).hexdigest()
    return parts


def computation(compute, inputs) -> dict:
    """What decides the result of ``compute(*inputs)``, for :func:`helpers.cache.remembered`.

    Stricter than the training key's view of a function: everything ``compute`` reads is
    described, followed through the notebook's own functions (their code, the globals
    and closure values they read): plain data and arrays by their bytes, Keras models
    by their architecture **and their current weights**, the course's modules by their
    file, other libraries' modules and functions by name (their versions are in the key),
    objects with settings (an estimator) by those settings. Anything else raises
    :class:`Unkeyable`: a result that depends on what the key cannot see is computed
    afresh, never reused.
    """
    seen: dict[int, str] = {}
    return {"compute": _value(compute, 0, seen), "inputs": [_value(v, 0, seen) for v in inputs]}


def _value(obj, depth: int, seen: dict):
    import keras

    if depth > 3 * _MAX_DEPTH:
        raise Unkeyable("an object nested too deeply to describe")
    if obj is None or isinstance(obj, bool | int | float | str | np.generic) or _is_array(obj):
        return describe(obj)
    if id(obj) in seen:  # a function that calls itself, a model read twice
        return seen[id(obj)]
    seen[id(obj)] = f"<seen {len(seen)}>"
    if isinstance(obj, list | tuple):
        return [_value(v, depth + 1, seen) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _value(v, depth + 1, seen) for k, v in obj.items()}
    if isinstance(obj, keras.Model | keras.Layer):  # its architecture, its current weights, how it is compiled
        optimizer = getattr(obj, "optimizer", None)
        return {"model": model_description(obj) if isinstance(obj, keras.Model) else describe(obj),
                "weights": weights_hash(obj.weights),
                "optimizer": _without_name(describe(optimizer)) if optimizer is not None else None,
                "loss": describe(getattr(obj, "loss", None))}
    if isinstance(obj, types.ModuleType):
        return {"module": obj.__name__, "file": module_hash(obj.__name__) if _course_module(obj.__name__) else None}
    if isinstance(obj, types.MethodType):
        return {"method": _value(obj.__func__, depth + 1, seen), "self": _value(obj.__self__, depth + 1, seen)}
    if isinstance(obj, types.FunctionType):
        module = obj.__module__ or ""
        if _course_module(module):
            return {"function": f"{module}.{obj.__qualname__}", "file": module_hash(module)}
        if not _own_code_module(module):  # a library's function: its name (and the versions in the key)
            return {"function": f"{module}.{obj.__qualname__}"}
        return _function(obj, depth, seen)
    if isinstance(obj, types.BuiltinFunctionType | np.ufunc):  # np.sqrt, len: by name
        return {"builtin": f"{getattr(obj, '__module__', None)}.{getattr(obj, '__qualname__', obj.__name__)}"}
    if isinstance(obj, type):
        return class_description(obj)
    if isinstance(obj, np.random.Generator | range | slice):
        return describe(obj)
    cls = type(obj)
    if hasattr(obj, "get_params") and cls.__module__.startswith("sklearn"):  # an estimator: settings and fit
        fitted = {k: v for k, v in vars(obj).items() if k.endswith("_") and not k.startswith("_")}
        return {"class": f"{cls.__module__}.{cls.__qualname__}", "params": _value(obj.get_params(), depth + 1, seen),
                "fitted": _value(fitted, depth + 1, seen)}
    if _course_module(cls.__module__ or "") or _own_code_module(cls.__module__ or ""):
        try:
            return describe(obj)  # the course's or the notebook's own object: its methods and its state
        except (TypeError, ValueError, AttributeError) as exc:
            raise Unkeyable(f"an object of type {cls.__qualname__} whose state cannot be read") from exc
    raise Unkeyable(f"it reads a {cls.__module__}.{cls.__qualname__} object")  # an open file, a figure, ...


def _own_code_module(module: str) -> bool:
    """A notebook's or a learner's own code (``__main__``, a file of their own), not an installed library's."""
    import sys
    import sysconfig

    if module in ("__main__", "") or module.startswith("__main__"):
        return True
    path = getattr(sys.modules.get(module), "__file__", None)
    if not path:
        return False  # a built-in module
    libraries = {sysconfig.get_path(k) for k in ("purelib", "platlib", "stdlib", "platstdlib")}
    return not any(p and os.path.abspath(path).startswith(os.path.abspath(p) + os.sep) for p in libraries)


def _function(func, depth: int, seen: dict) -> dict:
    """A notebook's own function: its code, its defaults, the globals and closure values it reads."""
    code, read = func.__code__, {}
    stack = [code]
    while stack:
        c = stack.pop()
        stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]
        for name in c.co_names:
            if name in func.__globals__ and name not in read:
                read[name] = _value(func.__globals__[name], depth + 1, seen)
    closure = [_value(cell.cell_contents, depth + 1, seen) for cell in (func.__closure__ or ())]
    return {"function": func.__qualname__, "source": _source(func), "defaults": _value(func.__defaults__, depth + 1, seen),
            "kwdefaults": _value(func.__kwdefaults__, depth + 1, seen), "globals": read, "closure": closure}
