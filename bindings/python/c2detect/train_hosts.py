"""Old path of c2detect.train.hosts (moved there); importable and runnable with -m
as before. The alias is the same module object, so patching either name works."""
if __name__ == "__main__":
    import runpy

    runpy.run_module("c2detect.train.hosts", run_name="__main__", alter_sys=True)
else:
    import sys

    from .train import hosts as _moved

    sys.modules[__name__] = _moved
