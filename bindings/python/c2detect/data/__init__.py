"""Generators of data and fixtures (not needed at run time):

- `c2detect.data.samples`: the sample capture of examples/sample;
- `c2detect.data.http_gen` / `http_data`: HTTP header blocks (Malleable C2 profiles,
  benign, and real ones from the shared captures);
- `c2detect.data.mmdb_writer`: small MaxMind DB files for tests and the fuzz corpus;
- `c2detect.data.testmodels`, `dga_cnn_testmodels`, `cnn_golden`: test models and
  golden vectors of tests/.
"""
