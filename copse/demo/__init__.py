"""Made-up data, at the top of the import graph: the demo site (`copse demo`)
and the batches that benchmarks grow (`copse bench-data`)."""
