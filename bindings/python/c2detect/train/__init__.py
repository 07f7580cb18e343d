"""Training recipes (need numpy, scikit-learn or PyTorch and ../shared/data):

- `c2detect.train.dga`: the DGA forest (dga-fanci-v3) and its model card;
- `c2detect.train.dga_cnn`: the DGA character CNN;
- `c2detect.train.dga_ensemble`: tuning of the forest + CNN pair;
- `c2detect.train.http` / `http_eval`: the HTTP header CNN and its evaluation;
- `c2detect.train.ioc_family`: the IOC family forest (and its Python feature row);
- `c2detect.train.hosts`: the host engine's fusion weights (lib/hosts/weights.c).

Run one with `python3 -m c2detect.train.<name> --help`. Not needed at run time.
"""
