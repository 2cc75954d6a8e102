"""The machine a run measured: cores, load, versions, BLAS; and scikit-learn, if any."""

from __future__ import annotations

import os
import platform


def load_average():
    """The load average over 1, 5 and 15 minutes, rounded; None where the OS has none."""
    try:
        return tuple(round(x, 2) for x in os.getloadavg())
    except (OSError, AttributeError):
        return None


def core_count():
    """The cores this process may run on (its affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def load_sklearn():
    """scikit-learn's two estimators, if it is installed.

    Returns
    -------
    (dict or None, str)
        ``({"version", "BernoulliRBM", "MLPClassifier"}, "")``, or ``(None, reason)``
        when scikit-learn is not installed.
    """
    try:
        import sklearn
        from sklearn.neural_network import BernoulliRBM, MLPClassifier
    except ImportError as error:
        return (
            None,
            f"scikit-learn is not installed ({error.__class__.__name__}); pip install -r requirements-bench.txt",
        )
    return {
        "version": sklearn.__version__,
        "BernoulliRBM": BernoulliRBM,
        "MLPClassifier": MLPClassifier,
    }, ""


def _blas():
    """The BLAS numpy uses, with its threads (threadpoolctl when present)."""
    import numpy as np

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        pools = []
    else:
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if pools:
        return "; ".join(
            f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')} kernel, "
            f"{p.get('num_threads')} threads)"
            for p in pools
        )
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # numpy < 1.26 has no mode="dicts"
        return "unknown"
    return f"{blas.get('name')} {blas.get('version')} (threads: library default)"


def machine_info():
    """Cores, platform, Python, numpy, matplotlib, BLAS, scikit-learn and the load.

    Returns
    -------
    dict
        ``env`` holds the thread variables that are set (``OMP_NUM_THREADS``, ...).
    """
    import numpy as np

    info = {
        "cores": core_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "processor": platform.machine(),
        "numpy": np.__version__,
        "blas": _blas(),
        "load_start": load_average(),
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(name):
            info.setdefault("env", {})[name] = os.environ[name]
    try:
        import matplotlib
    except ImportError:
        pass
    else:
        info["matplotlib"] = matplotlib.__version__
    sk, _ = load_sklearn()
    info["sklearn"] = sk["version"] if sk else "not installed"
    return info
