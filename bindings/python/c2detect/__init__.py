"""c2detect: Python side of libc2detect.

- `c2detect.c2dm`: write/read the .c2dm model container (standard library only).
- `c2detect.export`: export scikit-learn forests (and, later, PyTorch CNNs) to .c2dm.
- `c2detect.lib`: ctypes binding to the shared library.
"""
__all__ = ["c2dm"]
