"""Old path of c2detect.data.dga_cnn_testmodels (moved there); importable and runnable with -m
as before. The alias is the same module object, so patching either name works."""
if __name__ == "__main__":
    import runpy

    runpy.run_module("c2detect.data.dga_cnn_testmodels", run_name="__main__", alter_sys=True)
else:
    import sys

    from .data import dga_cnn_testmodels as _moved

    sys.modules[__name__] = _moved
