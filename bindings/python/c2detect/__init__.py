"""c2detect: Python binding of libc2detect (malware C2 traffic detection).

Runtime (this package; needs only the bundled libc2detect, numpy optional):
- `c2detect.lib`: the loader, `C2DError`, `Model` (.c2dm models, forest batch);
- `c2detect.dga_detect`: DGA scoring (`DgaEnsemble`, `dga_model_scores`);
  `c2detect.dga` / `dga_chars`: the Python twins of the DGA features/tokens;
- `c2detect.http`: HTTP C2 scoring (`HttpModel`); `http_tokens` the tokenizer twin;
- `c2detect.flow`: captures to sessions (`read_sessions`);
- `c2detect.ioc`: the IOC store (`IocDB`);
- `c2detect.geo`: MaxMind DB and ASN tables (`GeoDB`, `AsnTable`);
- `c2detect.cnn`: the int8 CNN engine (needs numpy);
- `c2detect.zeek`: the Python twin of the Zeek log reader;
- `c2detect.c2dm`, `export`, `torch_export`: write .c2dm models (scikit-learn, PyTorch);
- `c2detect.hosts`: the host engine (c2d_hosts), added with the engine.
Tooling (not needed at run time): `c2detect.train` (recipes), `c2detect.data`
(data and fixture generators), `c2detect.tools` (C table builders).
`python -m c2detect --help` mirrors a few `c2d` commands.
"""
__version__ = "0.2.0"  # = pyproject.toml and the library's major.minor.patch (tested)

from .lib import (C2DError, LibraryNotFound, Model, builtin_models, library_path,  # noqa: F401
                  version)
from .dga_detect import Ensemble as DgaEnsemble, model_scores as dga_model_scores  # noqa: F401
from .http import HttpModel, HttpVerdict  # noqa: F401
from .ioc import IocDB, IocInfo, LoadReport  # noqa: F401
from .flow import CaptureError, Session, Sessions, read_sessions  # noqa: F401
from .geo import AsnTable, GeoBatch, GeoDB, GeoError  # noqa: F401
# The host engine's binding (c2detect.hosts: Hosts, HostReport) is imported here
# once it lands.

__all__ = ["C2DError", "LibraryNotFound", "Model", "builtin_models", "library_path", "version",
           "DgaEnsemble", "dga_model_scores", "HttpModel", "HttpVerdict", "IocDB", "IocInfo",
           "LoadReport", "CaptureError", "Session", "Sessions", "read_sessions", "AsnTable",
           "GeoBatch", "GeoDB", "GeoError"]

