import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
# C2D_TEST_INSTALLED=1: test the installed package (pip install), not the source tree
if not os.environ.get("C2D_TEST_INSTALLED"):
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
# ../shared/data beside the checkout; C2D_SHARED_DATA overrides (e.g. from a worktree)
SHARED_DATA = pathlib.Path(os.environ.get("C2D_SHARED_DATA", ROOT.parent / "shared" / "data"))


def c_library():
    """The project's libc2detect through c2detect.lib, or skip the test module
    when no library can be loaded (C2D_LIBRARY, the bundled copy or a build tree)."""
    import pytest
    from c2detect import lib as c2dlib
    try:
        return c2dlib.lib()
    except OSError as e:
        pytest.skip(f"libc2detect not loadable: {e}")
